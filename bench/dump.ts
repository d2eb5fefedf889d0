/**
 * Speed of `amber dump`: a small single-threaded program, and a program
 * with 1 GiB of random anonymous memory dumped into tmpfs, next to the
 * speed of plain writes of the same size into tmpfs measured in the same
 * run (the least any dumper pays to put those bytes there). Before each
 * timed run a buffer of the working size is touched and freed, so that
 * neither side pays for the kernel's first page allocations. Dumps use
 * --leave-running; the fastest of three runs counts.
 *
 *   node dist/bench/dump.js
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { dump } from '../src/dump';
import { asPid } from '../src/sys/types';
import { withPrograms } from '../test/harness/programs';
import { withScratchDir } from './lib/scratch';
import { formatNumber, formatTable } from './lib/table';

const RUNS = 3;
const MIB = 1 << 20;
const BIG_MIB = 1024;
const WRITE_CHUNK = 32 * MIB;

/** Touches and frees `bytes` of memory in a short-lived process, so that amber's own peak RSS stays its own. */
function warmUp(bytes: number): void {
  if (bytes > 0) execFileSync(process.execPath, ['-e', `Buffer.alloc(${bytes}, 1)`]);
}

/** Seconds of the fastest of RUNS runs of `work`, each after `prepare` (untimed). */
async function fastest(prepare: () => void, work: () => Promise<unknown> | unknown): Promise<number> {
  let best = Infinity;
  for (let run = 0; run <= RUNS; run++) {
    prepare();
    const started = performance.now();
    await work();
    // Run 0 warms up amber's code.
    if (run > 0) best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

async function timeDump(pid: number, dir: string, bytes: number): Promise<number> {
  const target = path.join(dir, 'images');
  const prepare = (): void => {
    fs.rmSync(target, { recursive: true, force: true });
    warmUp(bytes);
  };
  return fastest(prepare, () => dump({ pid: asPid(pid), imagesDir: target, leaveRunning: true, shellJob: false }));
}

async function timeTmpfsWrite(dir: string, bytes: number): Promise<number> {
  const source = Buffer.alloc(WRITE_CHUNK, 0x5a);
  const file = path.join(dir, 'plain-write');
  const prepare = (): void => {
    fs.rmSync(file, { force: true });
    warmUp(bytes);
  };
  const once = (): void => {
    const fd = fs.openSync(file, 'w');
    try {
      for (let done = 0; done < bytes; done += WRITE_CHUNK) fs.writeSync(fd, source, 0, Math.min(WRITE_CHUNK, bytes - done));
    } finally {
      fs.closeSync(fd);
    }
  };
  return fastest(prepare, once);
}

async function main(): Promise<void> {
  const rows = await withScratchDir('amber-bench-dump', (dir) =>
    withPrograms(async (start) => {
      const small = await start('dump-memory', ['0']);
      const smallSeconds = await timeDump(small.pid, dir, 0);
      const big = await start('dump-memory', [String(BIG_MIB)]);
      const bytes = BIG_MIB * MIB;
      const dumpSeconds = await timeDump(big.pid, dir, bytes);
      const writeSeconds = await timeTmpfsWrite(dir, bytes);
      const rate = (seconds: number): string => formatNumber(bytes / MIB / seconds);
      return [
        ['small program, dump -R', formatNumber(smallSeconds * 1000, 1), '', ''],
        [`${BIG_MIB} MiB random anonymous, dump -R to tmpfs`, formatNumber(dumpSeconds * 1000, 1), rate(dumpSeconds), formatNumber(writeSeconds / dumpSeconds, 2)],
        [`${BIG_MIB} MiB plain write to tmpfs (limit)`, formatNumber(writeSeconds * 1000, 1), rate(writeSeconds), '1.00'],
      ];
    }),
  );
  process.stdout.write(`${formatTable(['case', 'ms', 'MiB/s', 'speed / limit'], rows)}\n`);
  process.stdout.write(`amber peak RSS ${formatNumber(process.resourceUsage().maxRSS / 1024)} MiB\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
