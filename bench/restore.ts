/**
 * Speed of `amber restore -d`: a small single-threaded program, and a
 * program with 1 GiB of random anonymous memory restored from tmpfs, next
 * to the least any restorer pays for those bytes, measured in the same run:
 * reading the same page image into fresh anonymous memory (page faults and
 * copy). Each program is dumped once, then restored, killed and reaped
 * again and again; medians of five runs after one warm-up run, each right
 * after touching and freeing memory of the working size.
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
import { withScratchDir } from './lib/scratch';
import { formatNumber, formatTable } from './lib/table';
import { medianRun } from './lib/timing';
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

function timeRestore(images: string, pid: number, bytes: number): Promise<number> {
  return medianRun(
    { prepare: () => warmUpMemory(bytes), work: () => restore({ imagesDir: images, detached: true, shellJob: false }), cleanUp: () => endRestored(pid) },
    RUNS,
  );
}

/** Reads every pages file of `images` into fresh anonymous memory: faulting it in and filling it. */
function timeFreshFill(images: string, bytes: number): Promise<number> {
  const files = fs.readdirSync(images).filter((name) => /^pages-\d+\.img$/.test(name)).map((name) => path.join(images, name));
  const fill = async (): Promise<void> => {
    for (const file of files) {
      const size = fs.statSync(file).size;
      const memory = Buffer.allocUnsafeSlow(size);
      const fd = fs.openSync(file, 'r');
      try {
        for (let done = 0; done < size; ) done += fs.readSync(fd, memory, done, size - done, done);
      } finally {
        fs.closeSync(fd);
      }
    }
  };
  return medianRun({ prepare: () => warmUpMemory(bytes), work: fill }, RUNS);
}

async function main(): Promise<void> {
  const rows = await withScratchDir('amber-bench-restore', (dir) =>
    withPrograms(async (start) => {
      const smallImages = path.join(dir, 'small');
      const smallSeconds = await timeRestore(smallImages, await dumpProgram(start, 0, smallImages), 0);
      const bigImages = path.join(dir, 'big');
      const bigPid = await dumpProgram(start, BIG_MIB, bigImages);
      const bytes = BIG_MIB * MIB;
      const restoreSeconds = await timeRestore(bigImages, bigPid, bytes);
      const fillSeconds = await timeFreshFill(bigImages, bytes);
      const rate = (seconds: number): string => formatNumber(bytes / MIB / seconds);
      return [
        ['small program, restore -d', formatNumber(smallSeconds * 1000, 1), '', ''],
        [`${BIG_MIB} MiB random anonymous, restore -d from tmpfs`, formatNumber(restoreSeconds * 1000, 1), rate(restoreSeconds), formatNumber(fillSeconds / restoreSeconds, 2)],
        [`${BIG_MIB} MiB read into fresh anonymous memory (limit)`, formatNumber(fillSeconds * 1000, 1), rate(fillSeconds), '1.00'],
      ];
    }),
  );
  process.stdout.write(`${formatTable(['case', 'ms', 'MiB/s', 'speed / limit'], rows)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
