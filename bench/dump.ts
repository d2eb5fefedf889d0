/**
 * Speed of `amber dump`: a small single-threaded program, and a program
 * with 1 GiB of random anonymous memory dumped into tmpfs, next to the
 * speed of plain writes of the same size into tmpfs measured in the same
 * run (the least any dumper pays to put those bytes there); the frozen
 * row is how long the task was stopped, the pages row the part of the dump
 * that copies the pages (its memwrite timer).
 * Before each timed run a buffer of the working size is touched and freed,
 * so that neither side pays for the kernel's first page allocations. Dumps
 * use --leave-running; medians of five runs after one warm-up run.
 *
 *   node dist/bench/dump.js
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dump } from '../src/dump';
import { asPid } from '../src/sys/types';
import { withPrograms } from '../test/harness/programs';
import { withScratchDir } from './lib/scratch';
import { formatNumber, formatTable } from './lib/table';
import { median, medianRun } from './lib/timing';
import { warmUpMemory } from './lib/warm-up';

const RUNS = 5;
const MIB = 1 << 20;
const BIG_MIB = 1024;
const WRITE_CHUNK = 32 * MIB;

/** Median seconds of the whole dump, of the time the tree was frozen, and of its page copying. */
async function timeDump(pid: number, dir: string, bytes: number): Promise<{ dump: number; frozen: number; pages: number }> {
  const target = path.join(dir, 'images');
  const pages: number[] = [];
  const frozen: number[] = [];
  const prepare = (): void => {
    fs.rmSync(target, { recursive: true, force: true });
    warmUpMemory(bytes);
  };
  const work = async (): Promise<void> => {
    const result = await dump({ pid: asPid(pid), imagesDir: target, leaveRunning: true, shellJob: false });
    pages.push(result.stats.memwriteTime / 1e6);
    frozen.push(result.frozenMs / 1000);
  };
  const seconds = await medianRun({ prepare, work }, RUNS);
  // The first dump warmed up amber's code.
  return { dump: seconds, frozen: median(frozen.slice(1)), pages: median(pages.slice(1)) };
}

async function timeTmpfsWrite(dir: string, bytes: number): Promise<number> {
  const source = Buffer.alloc(WRITE_CHUNK, 0x5a);
  const file = path.join(dir, 'plain-write');
  const prepare = (): void => {
    fs.rmSync(file, { force: true });
    warmUpMemory(bytes);
  };
  const once = (): void => {
    const fd = fs.openSync(file, 'w');
    try {
      for (let done = 0; done < bytes; done += WRITE_CHUNK) fs.writeSync(fd, source, 0, Math.min(WRITE_CHUNK, bytes - done));
    } finally {
      fs.closeSync(fd);
    }
  };
  return medianRun({ prepare, work: once }, RUNS);
}

async function main(): Promise<void> {
  const rows = await withScratchDir('amber-bench-dump', (dir) =>
    withPrograms(async (start) => {
      const small = await start('dump-memory', ['0']);
      const smallSeconds = (await timeDump(small.pid, dir, 0)).dump;
      const bytes = BIG_MIB * MIB;
      // The program fills its memory before it reports ready, within the harness's time limit.
      warmUpMemory(bytes);
      const big = await start('dump-memory', [String(BIG_MIB)]);
      const { dump: dumpSeconds, frozen: frozenSeconds, pages: pagesSeconds } = await timeDump(big.pid, dir, bytes);
      const writeSeconds = await timeTmpfsWrite(dir, bytes);
      const rate = (seconds: number): string => formatNumber(bytes / MIB / seconds);
      return [
        ['small program, dump -R', formatNumber(smallSeconds * 1000, 1), '', ''],
        [`${BIG_MIB} MiB random anonymous, dump -R to tmpfs`, formatNumber(dumpSeconds * 1000, 1), rate(dumpSeconds), formatNumber(writeSeconds / dumpSeconds, 2)],
        ['  of which the tree was frozen', formatNumber(frozenSeconds * 1000, 1), '', ''],
        ['  of which copying the pages', formatNumber(pagesSeconds * 1000, 1), rate(pagesSeconds), formatNumber(writeSeconds / pagesSeconds, 2)],
        [`${BIG_MIB} MiB plain write to tmpfs (limit)`, formatNumber(writeSeconds * 1000, 1), rate(writeSeconds), '1.00'],
      ];
    }),
  );
  process.stdout.write(`${formatTable(['case', 'ms', 'MiB/s', 'speed / limit'], rows)}\n`);
  process.stdout.write(`amber peak RSS ${formatNumber(process.resourceUsage().maxRSS / 1024)} MiB\n`);
  process.stdout.write(`load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
