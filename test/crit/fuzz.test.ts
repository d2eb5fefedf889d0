import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { AmberError } from '../../src/errors';
import { decodeImage, readImageFile, toCritJson } from '../../src/images';
import { imagePaths, workloads } from './fixtures';
import { Random, mutations } from './mutate';

/**
 * Damaged images must never crash the decoder: each one either decodes or
 * is rejected with an AmberError whose message is one line naming the file
 * (and, for a bad entry, its index and byte offset), the same whether it is
 * read from memory or streamed from a file. The decoding runs in a
 * worker so that a hang or a runaway allocation fails the test instead of
 * stalling it.
 */

const SEED = 0x616d6272;
const ROUNDS_PER_MUTATION = 60;
const TIME_LIMIT_MS = 60_000;
/** Growth of the process's resident memory that counts as allocating hugely. */
const MEMORY_LIMIT = 512 * 2 ** 20;
/** A single small image taking longer than this to decode counts as a hang. */
const SLOW_DECODE_MS = 2000;
/** Every so many cases also go through the streaming file reader, which must agree with the in-memory decoder. */
const STREAMED_EVERY = 10;
const CLI = path.resolve(__dirname, '../../src/cli/main.js');

interface FuzzCase {
  index: number;
  file: string;
  mutation: string;
  bytes: Buffer;
}

/** Every case, in a fixed order from a fixed seed: replaying it gives the same bytes. */
function* fuzzCases(): Generator<FuzzCase> {
  const random = new Random(SEED);
  const images = workloads().flatMap(imagePaths).map((file) => ({ file, bytes: fs.readFileSync(file) }));
  let index = 0;
  for (const image of images) {
    for (const [mutation, mutate] of Object.entries(mutations)) {
      for (let round = 0; round < ROUNDS_PER_MUTATION; round++) {
        const other = random.pick(images).bytes;
        yield { index: index++, file: image.file, mutation, bytes: mutate(image.bytes, random, other) };
      }
    }
  }
}

interface Problem {
  case: string;
  problem: string;
}

interface Report {
  cases: number;
  decoded: number;
  rejected: number;
  peakGrowthMB: number;
  problems: Problem[];
  /** A few rejected images, to run through the CLI. */
  rejectedSamples: { name: string; bytes: Uint8Array }[];
}

function describeCase(c: Pick<FuzzCase, 'index' | 'file' | 'mutation'>): string {
  return `#${c.index} ${c.mutation} of ${path.relative(path.dirname(path.dirname(c.file)), c.file)}`;
}

/** What is wrong with the way decoding `c` ended, if anything. */
function judge(c: FuzzCase, error: unknown): string | undefined {
  if (!(error instanceof AmberError)) {
    return `threw ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}`;
  }
  const message = error.message;
  if (message.includes('\n')) return `message has several lines: ${JSON.stringify(message)}`;
  if (!message.includes(path.basename(c.file))) return `message does not name the file: ${message}`;
  if (isEntryError(message) && !/\bentry \d+/.test(message)) return `message does not name the entry: ${message}`;
  if (isEntryError(message) && !/\b(offset|byte) \d+/.test(message)) return `message does not name the byte offset: ${message}`;
  return undefined;
}

/** Framing and protobuf problems, as opposed to a bad magic or an unreadable file. */
function isEntryError(message: string): boolean {
  return !/magic/i.test(message);
}

/** How decoding ended: crit's JSON text, or what was thrown. */
type Outcome = { json: string } | { error: unknown };

function decodeInMemory(c: FuzzCase): Outcome {
  try {
    return { json: toCritJson(decodeImage(c.bytes, path.basename(c.file)), { pretty: false }) };
  } catch (error) {
    return { error };
  }
}

/** The same case through the streaming file reader, its messages brought to the in-memory form (file name only). */
async function decodeFromFile(c: FuzzCase, dir: string): Promise<Outcome> {
  const file = path.join(dir, path.basename(c.file));
  fs.writeFileSync(file, c.bytes);
  try {
    return { json: toCritJson(await readImageFile(file), { pretty: false }) };
  } catch (error) {
    if (error instanceof AmberError) return { error: new AmberError(error.message.replace(file, path.basename(file))) };
    return { error };
  }
}

function describeOutcome(outcome: Outcome): string {
  return 'json' in outcome ? 'decoded' : outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
}

async function runWorker(): Promise<void> {
  const current = new Int32Array(workerData as SharedArrayBuffer);
  const baseline = process.memoryUsage.rss();
  const report: Report = { cases: 0, decoded: 0, rejected: 0, peakGrowthMB: 0, problems: [], rejectedSamples: [] };
  const sampled = new Set<string>();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-fuzz-'));
  const fail = (c: FuzzCase, problem: string): number => report.problems.push({ case: describeCase(c), problem });
  try {
    for (const c of fuzzCases()) {
      Atomics.store(current, 0, c.index);
      const started = Date.now();
      const outcome = decodeInMemory(c);
      report.cases++;
      if ('json' in outcome) report.decoded++;
      else report.rejected++;
      const problem = 'error' in outcome ? judge(c, outcome.error) : undefined;
      if (problem !== undefined) fail(c, problem);
      if (Date.now() - started > SLOW_DECODE_MS) fail(c, `took ${Date.now() - started} ms`);
      const growth = process.memoryUsage.rss() - baseline;
      report.peakGrowthMB = Math.max(report.peakGrowthMB, Math.round(growth / 2 ** 20));
      if (growth > MEMORY_LIMIT) {
        fail(c, `resident memory grew by ${Math.round(growth / 2 ** 20)} MiB`);
        break;
      }
      if (c.index % STREAMED_EVERY === 0) {
        const streamed = await decodeFromFile(c, dir);
        const [inMemory, fromFile] = [describeOutcome(outcome), describeOutcome(streamed)];
        if (inMemory !== fromFile || ('json' in outcome && 'json' in streamed && outcome.json !== streamed.json)) {
          fail(c, `the file reader ends otherwise (${fromFile}) than the in-memory decoder (${inMemory})`);
        }
      }
      if ('error' in outcome && outcome.error instanceof AmberError && problem === undefined && !sampled.has(c.mutation)) {
        sampled.add(c.mutation);
        report.rejectedSamples.push({ name: path.basename(c.file), bytes: c.bytes });
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  parentPort?.postMessage(report);
}

function fuzzInWorker(): Promise<Report> {
  const current = new SharedArrayBuffer(4);
  const worker = new Worker(__filename, { workerData: current });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const index = Atomics.load(new Int32Array(current), 0);
      void worker.terminate();
      const stuck = [...fuzzCases()].find((c) => c.index === index);
      reject(new Error(`decoder still busy after ${TIME_LIMIT_MS} ms, on ${stuck ? describeCase(stuck) : `case #${index}`}`));
    }, TIME_LIMIT_MS);
    worker.once('message', (report: Report) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(report);
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

if (isMainThread) {
  describe('image decoder on damaged images', () => {
    let report: Report | undefined;

    it('decodes or rejects each with a one-line AmberError, alike from memory and from a file, without hanging or huge allocations', async (t) => {
      report = await fuzzInWorker();
      t.diagnostic(`${report.cases} cases: ${report.decoded} decoded, ${report.rejected} rejected; memory grew ${report.peakGrowthMB} MiB at most`);
      const shown = report.problems.slice(0, 10).map((p) => `${p.case}: ${p.problem}`);
      assert.deepEqual(shown, [], `${report.problems.length} of ${report.cases} cases went wrong`);
      assert.ok(report.cases >= 10_000, `${report.cases} cases`);
      assert.ok(report.rejected > 0 && report.decoded > 0, 'some damage is harmless and some is caught');
    });

    it('the CLI exits non-zero with one line on stderr and no stack trace', (t) => {
      if (report === undefined || report.rejectedSamples.length === 0) return t.skip('no rejected samples');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-fuzz-'));
      try {
        for (const sample of report.rejectedSamples) {
          const file = path.join(dir, sample.name);
          fs.writeFileSync(file, sample.bytes);
          const run = spawnSync(process.execPath, [CLI, 'crit', 'decode', '-i', file], { encoding: 'utf8' });
          assert.notEqual(run.status, 0, `${sample.name}: exit status`);
          assert.match(run.stderr, /^amber: [^\n]+\n$/, `${sample.name}: stderr`);
          assert.doesNotMatch(run.stderr, /\n\s+at /);
          assert.ok(run.stderr.includes(sample.name), `${sample.name}: stderr names the file`);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
} else {
  void runWorker();
}
