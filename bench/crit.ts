/**
 * Image decoding throughput: amber against CRIU's Python crit, on one large
 * generated checkpoint, in the same run. Both turn each image into crit's
 * JSON text: in-process (amber's decoder; pycriu's loader plus json.dumps),
 * as a command per image (`amber crit decode`, `crit decode`) on a sample
 * of the files, and as one amber command for the whole directory (crit has
 * none: its in-process time stands in). Page contents are not images and
 * are not counted. Besides wall time, each run's CPU time (children's too)
 * is shown: on a machine others share it is the steadier measure.
 *
 * Run: node dist/bench/crit.js [TASKS]   (crit comes from Debian's `criu` package; without it only amber runs)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeCritJson } from '../src/images';
import { defaultShape, generateImageSet, type ImageSet } from './gen-images';
import { findProgram, runProgram } from './lib/programs';
import { withScratchDir } from './lib/scratch';
import { formatNumber, formatTable } from './lib/table';
import { cpuSeconds } from './lib/cpu-time';
import { fastestRun, type TimingOptions } from './lib/timing';

const AMBER_CLI = path.resolve(__dirname, '../src/cli/main.js');
/** Files decoded one command each: spawning a process per image dominates, so a sample suffices. */
const COMMAND_SAMPLE = 48;
/** Warm-up decodes the images of the last tasks: small, and of every kind. */
const WARM_UP_FILES = 60;
const TIMED_RUNS = 2;

interface Timing {
  seconds: number;
  cpuSeconds: number;
}

interface Measurement extends Timing {
  files: number;
  bytes: number;
  entries: number;
}

/** The fastest timed run's wall time, and the least CPU time a run took. */
async function timed(work: () => unknown, options: TimingOptions): Promise<Timing> {
  let least = Infinity;
  const seconds = await fastestRun(() => {
    const before = cpuSeconds();
    work();
    least = Math.min(least, cpuSeconds() - before);
  }, options);
  return { seconds, cpuSeconds: least };
}

/** Decodes each file to crit's JSON text (the bytes a file would get) in this process; returns the count of entries. */
function decodeAll(files: readonly string[]): number {
  let entries = 0;
  for (const file of files) {
    const text: Buffer[] = [];
    entries += writeCritJson(fs.readFileSync(file), path.basename(file), { pretty: false }, (chunk) => text.push(chunk));
  }
  return entries;
}

/** Python's side of the in-process run: pycriu decodes and json.dumps, as `crit decode` does. */
const PYCRIU_DECODE = `
import json, sys, time
import pycriu

def decode(paths):
    entries = 0
    for path in paths:
        with open(path, 'rb') as f:
            image = pycriu.images.load(f)
        json.dumps(image)
        entries += len(image['entries'])
    return entries

paths = sys.stdin.read().split('\\n')
decode(paths[-int(sys.argv[1]):])
start, cpu_start = time.perf_counter(), time.process_time()
entries = decode(paths)
print(json.dumps({'seconds': time.perf_counter() - start, 'cpuSeconds': time.process_time() - cpu_start, 'entries': entries}))
`;

/** The interpreter named on crit's #! line: the one that has pycriu. */
function critPython(crit: string): string {
  const shebang = fs.readFileSync(crit, 'utf8').split('\n', 1)[0] ?? '';
  return shebang.startsWith('#!') ? shebang.slice(2).trim().split(/\s+/)[0] ?? 'python3' : 'python3';
}

function pycriuDecode(crit: string, files: readonly string[]): Timing & { entries: number } {
  const out = runProgram(critPython(crit), ['-c', PYCRIU_DECODE, String(WARM_UP_FILES)], files.join('\n'));
  return JSON.parse(out) as Timing & { entries: number };
}

/** Time to run `decode FILE OUT` as one command per file, after decoding the first one untimed. */
function commandPerFile(files: readonly string[], out: string, decode: (file: string, out: string) => void): Promise<Timing> {
  return timed(() => files.forEach((file) => decode(file, out)), { runs: 1, warmUp: () => decode(files[0] as string, out) });
}

function sizeOf(files: readonly string[]): number {
  return files.reduce((sum, file) => sum + fs.statSync(file).size, 0);
}

/** The biggest files, then files spread evenly over the rest. */
function commandSample(set: ImageSet): string[] {
  const bySize = [...set.files].sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  const biggest = bySize.slice(0, 2);
  const rest = set.files.filter((file) => !biggest.includes(file));
  const step = Math.max(1, Math.floor(rest.length / (COMMAND_SAMPLE - biggest.length)));
  return [...biggest, ...rest.filter((_, i) => i % step === 0).slice(0, COMMAND_SAMPLE - biggest.length)];
}

/** One way of decoding, measured for amber and, when it is installed, for crit (in the mode `critMode`, if another). */
interface Comparison {
  mode: string;
  amber: Measurement;
  crit?: Measurement;
  critMode?: string;
}

const HEADER = ['decoder', 'mode', 'files', 'MB', 'entries', 'seconds', 'CPU s', 'MB/s', 'entries/s', 'amber speed-up', 'by CPU time'];

function rows({ mode, amber, crit, critMode = mode }: Comparison): string[][] {
  const row = (label: string, m: Measurement, ...speedUps: string[]): string[] => [
    label,
    label === 'crit' ? critMode : mode,
    formatNumber(m.files),
    formatNumber(m.bytes / 1e6, 1),
    formatNumber(m.entries),
    formatNumber(m.seconds, 3),
    formatNumber(m.cpuSeconds, 3),
    formatNumber(m.bytes / 1e6 / m.seconds, 1),
    formatNumber(m.entries / m.seconds),
    ...speedUps,
  ];
  if (crit === undefined) return [row('amber', amber, '', '')];
  const ratio = (key: keyof Timing): string => `${formatNumber(crit[key] / amber[key], 1)}x`;
  return [row('amber', amber, ratio('seconds'), ratio('cpuSeconds')), row('crit', crit, '', '')];
}

async function compare(set: ImageSet, crit: string | undefined, scratch: string): Promise<Comparison[]> {
  const out = path.join(scratch, 'decoded.json');
  const sample = commandSample(set);
  const all = { files: set.files.length, bytes: set.bytes };
  const some = { files: sample.length, bytes: sizeOf(sample) };
  let entries = 0;
  const amberTiming = await timed(() => (entries = decodeAll(set.files)), {
    runs: TIMED_RUNS,
    warmUp: () => decodeAll(set.files.slice(-WARM_UP_FILES)),
  });
  const sampleEntries = decodeAll(sample);
  const inProcess: Comparison = { mode: 'in-process', amber: { ...all, entries, ...amberTiming } };
  const outDir = path.join(scratch, 'decoded');
  const decodeDirectory = (): string => runProgram(process.execPath, [AMBER_CLI, 'crit', 'decode', '-i', set.dir, '-o', outDir]);
  const oneCommand: Comparison = {
    mode: 'one command, whole set',
    amber: { ...all, entries, ...(await timed(decodeDirectory, { runs: TIMED_RUNS })) },
    critMode: 'in-process (no such command)',
  };
  fs.rmSync(outDir, { recursive: true });
  const perCommand: Comparison = {
    mode: 'command per image',
    amber: {
      ...some,
      entries: sampleEntries,
      ...(await commandPerFile(sample, out, (file, to) => runProgram(process.execPath, [AMBER_CLI, 'crit', 'decode', '-i', file, '-o', to]))),
    },
  };
  if (crit !== undefined) {
    process.stdout.write(`decoding with ${crit}...\n`);
    const python = pycriuDecode(crit, set.files);
    if (python.entries !== entries) throw new Error(`crit counted ${python.entries} entries, amber ${entries}`);
    inProcess.crit = { ...all, entries, seconds: python.seconds, cpuSeconds: python.cpuSeconds };
    oneCommand.crit = inProcess.crit;
    perCommand.crit = {
      ...some,
      entries: sampleEntries,
      ...(await commandPerFile(sample, out, (file, to) => runProgram(crit, ['decode', '-i', file, '-o', to]))),
    };
  }
  return [inProcess, perCommand, oneCommand];
}

async function main(): Promise<void> {
  const crit = findProgram('/usr/sbin/crit', '/usr/bin/crit', 'crit');
  await withScratchDir('amber-bench-crit', async (dir) => {
    process.stdout.write('generating images...\n');
    const tasks = process.argv[2] === undefined ? defaultShape.tasks : Number(process.argv[2]);
    const set = await generateImageSet(dir, { ...defaultShape, tasks });
    process.stdout.write(`${set.files.length} images, ${formatNumber(set.bytes / 1e6, 1)} MB in ${dir}\n`);
    const comparisons = await compare(set, crit, dir);
    process.stdout.write(`\n${formatTable(HEADER, comparisons.flatMap(rows), 2)}\n`);
    if (crit === undefined) process.stdout.write("\ncrit is not installed (Debian package 'criu'): amber's numbers only.\n");
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/crit: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
