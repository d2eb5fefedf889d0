/**
 * Speed of `amber restore -d`: a small single-threaded program, and a
 * program with 1 GiB of random anonymous memory restored from tmpfs, next
 * to the least any restorer pays for those bytes, measured in the same run:
 * faulting in fresh anonymous memory and filling it with the same page
 * image, by a small C program (bench/programs/fill-fresh-memory.c) in each
 * of the ways a process can; the fastest way is the limit. Each program is
 * dumped once, then restored, killed and reaped again and again; medians of
 * five runs after one warm-up run, each right after touching and freeing
 * memory of the working size. Where CRIU 4 is at hand (.ci/fetch-criu), it
 * restores the same images in turn with amber.
 *
 *   node dist/bench/restore.js
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump } from '../src/dump';
import { restore } from '../src/restore';
import { SIGKILL } from '../src/sys/constants';
import { kill } from '../src/sys/process';
import { asPid } from '../src/sys/types';
import { waitpid } from '../src/sys/wait';
import { withPrograms, type StartProgram } from '../test/harness/programs';
import { buildProgram, BENCH_PROGRAMS_DIR } from '../test/harness/build';
import { findCriu, runCriu } from '../test/harness/criu';
import { killAndWaitGone } from '../test/harness/processes';
import { runProgram } from './lib/programs';
import { withScratchDir } from './lib/scratch';
import { formatNumber, formatTable } from './lib/table';
import { interleavedMedians, median, medianRun, type TimedStep } from './lib/timing';
import { warmUpMemory } from './lib/warm-up';

const RUNS = 5;
const MIB = 1 << 20;
const BIG_MIB = 1024;

/** Dumps a dump-memory program of `mib` MiB into `images` and ends it, leaving its pid free. */
async function dumpProgram(start: StartProgram, mib: number, images: string): Promise<number> {
  const program = await start('dump-memory', [String(mib)]);
  await dump({ pid: asPid(program.pid), imagesDir: images, leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });
  return program.pid;
}

/** The restored root is amber's child until amber exits: kill it and reap it, so its pid is free for the next run. */
function endRestored(pid: number): void {
  kill(pid, SIGKILL);
  waitpid(pid, 0);
}

function amberRestore(images: string, pid: number, bytes: number): TimedStep {
  return { prepare: () => warmUpMemory(bytes), work: () => restore({ imagesDir: images, detached: true, shellJob: false }), cleanUp: () => endRestored(pid) };
}

/** CRIU 4 restoring the same images, when it is at hand; its restored root is not amber's child. */
function criuRestore(images: string, pid: number, bytes: number): TimedStep | undefined {
  const criu = findCriu();
  if (!('command' in criu)) return undefined;
  return {
    prepare: () => warmUpMemory(bytes),
    work: () => runCriu(criu.command, 'restore', images, ['--restore-detached']),
    cleanUp: () => killAndWaitGone(pid),
  };
}

const FILL_WAYS = ['read', 'populate', 'proc-mem'] as const;

/** Median milliseconds of filling fresh anonymous memory with the pages file of `images`, each way, as the program times it. */
async function timeFreshFill(images: string, bytes: number): Promise<Map<(typeof FILL_WAYS)[number], number>> {
  const program = await buildProgram('fill-fresh-memory', BENCH_PROGRAMS_DIR);
  const [pages, ...others] = fs.readdirSync(images).filter((name) => /^pages-\d+\.img$/.test(name));
  if (pages === undefined || others.length > 0) throw new Error(`${images}: expected one pages file`);
  const times = new Map<(typeof FILL_WAYS)[number], number>();
  for (const way of FILL_WAYS) {
    const runs: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      warmUpMemory(bytes);
      runs.push(Number(runProgram(program, [way, path.join(images, pages)])));
    }
    times.set(way, median(runs.slice(1)));
  }
  return times;
}

async function main(): Promise<void> {
  const rows = await withScratchDir('amber-bench-restore', (dir) =>
    withPrograms(async (start) => {
      const smallImages = path.join(dir, 'small');
      const smallSeconds = await medianRun(amberRestore(smallImages, await dumpProgram(start, 0, smallImages), 0), RUNS);
      const bigImages = path.join(dir, 'big');
      const bigPid = await dumpProgram(start, BIG_MIB, bigImages);
      const bytes = BIG_MIB * MIB;
      const steps: Record<string, TimedStep> = { amber: amberRestore(bigImages, bigPid, bytes) };
      const criu = criuRestore(bigImages, bigPid, bytes);
      if (criu !== undefined) steps.criu = criu;
      const times = await interleavedMedians(steps, RUNS);
      const restoreSeconds = times.amber;
      const fills = await timeFreshFill(bigImages, bytes);
      const limitSeconds = Math.min(...fills.values()) / 1000;
      const rate = (seconds: number): string => formatNumber(bytes / MIB / seconds);
      const ratio = (seconds: number): string => formatNumber(limitSeconds / seconds, 2);
      return [
        ['small program, restore -d', formatNumber(smallSeconds * 1000, 1), '', ''],
        [`${BIG_MIB} MiB random anonymous, restore -d from tmpfs`, formatNumber(restoreSeconds * 1000, 1), rate(restoreSeconds), ratio(restoreSeconds)],
        ...(criu === undefined ? [] : [['  the same images, by CRIU 4', formatNumber(times.criu * 1000, 1), rate(times.criu), ratio(times.criu)]]),
        ...[...fills].map(([way, ms]) => [`  fresh memory filled by ${way}${ms / 1000 === limitSeconds ? ' (limit)' : ''}`, formatNumber(ms, 1), rate(ms / 1000), ratio(ms / 1000)]),
      ];
    }),
  );
  process.stdout.write(`${formatTable(['case', 'ms', 'MiB/s', 'speed / limit'], rows)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
