/**
 * Speed of `amber dump`: a small single-threaded program, and a program
 * with 1 GiB of random anonymous memory dumped into tmpfs, next to the
 * speed of plain writes of the same size into tmpfs measured in the same
 * run, in turn with each dump (the least any dumper pays to put those
 * bytes there); the frozen row is how long the task was stopped, the pages
 * row the time from the start of the page copy to its last page written
 * (its memwrite timer), the rest of the state being read meanwhile.
 * Before each timed run a buffer of the working size is touched and freed,
 * so that neither side pays for the kernel's first page allocations. Dumps
 * use --leave-running; medians of five runs after one warm-up run. Where
 * CRIU 4 is at hand (.ci/fetch-criu), it dumps the same program too.
 *
 *   node dist/bench/dump.js
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dump } from '../src/dump';
import { asPid } from '../src/sys/types';
import { withPrograms } from '../test/harness/programs';
import { findCriu, runCriu } from '../test/harness/criu';
import { withScratchDir } from './lib/scratch';
import { formatNumber, formatTable } from './lib/table';
import { interleavedMedians, median, medianRun, type TimedStep } from './lib/timing';
import { warmUpMemory } from './lib/warm-up';

const RUNS = 5;
const MIB = 1 << 20;
const BIG_MIB = 1024;
const WRITE_CHUNK = 32 * MIB;

/** amber's dump -R of `pid` into `dir`; the frozen time and page copying of each dump go into `phases`. */
function amberDump(pid: number, dir: string, bytes: number, phases: { frozen: number[]; pages: number[] }): TimedStep {
  const target = path.join(dir, 'images');
  return {
    prepare: () => {
      fs.rmSync(target, { recursive: true, force: true });
      warmUpMemory(bytes);
    },
    work: async () => {
      const result = await dump({ pid: asPid(pid), imagesDir: target, leaveRunning: true, shellJob: false });
      phases.pages.push(result.stats.memwriteTime / 1e6);
      phases.frozen.push(result.frozenMs / 1000);
    },
  };
}

/** `criu dump -R` of the same program into the same place, when CRIU 4 is at hand. */
function criuDump(pid: number, dir: string, bytes: number): TimedStep | undefined {
  const criu = findCriu();
  if (!('command' in criu)) return undefined;
  const target = path.join(dir, 'criu-images');
  return {
    prepare: () => {
      fs.rmSync(target, { recursive: true, force: true });
      fs.mkdirSync(target);
      warmUpMemory(bytes);
    },
    work: () => runCriu(criu.command, 'dump', target, ['-t', String(pid), '--leave-running']),
  };
}

/** Plain writes of `bytes` into a tmpfs file, 32 MiB at a time: the limit. */
function tmpfsWrite(dir: string, bytes: number): TimedStep {
  const source = Buffer.alloc(WRITE_CHUNK, 0x5a);
  const file = path.join(dir, 'plain-write');
  return {
    prepare: () => {
      fs.rmSync(file, { force: true });
      warmUpMemory(bytes);
    },
    work: () => {
      const fd = fs.openSync(file, 'w');
      try {
        for (let done = 0; done < bytes; done += WRITE_CHUNK) fs.writeSync(fd, source, 0, Math.min(WRITE_CHUNK, bytes - done));
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}

async function main(): Promise<void> {
  const rows = await withScratchDir('amber-bench-dump', (dir) =>
    withPrograms(async (start) => {
      const small = await start('dump-memory', ['0']);
      const smallSeconds = await medianRun(amberDump(small.pid, dir, 0, { frozen: [], pages: [] }), RUNS);
      const bytes = BIG_MIB * MIB;
      // The program fills its memory before it reports ready, within the harness's time limit.
      warmUpMemory(bytes);
      const big = await start('dump-memory', [String(BIG_MIB)]);
      // The first (untimed) round warms up amber's code; its phases are left out.
      const phases: { frozen: number[]; pages: number[] } = { frozen: [], pages: [] };
      const criu = criuDump(big.pid, dir, bytes);
      const steps: Record<string, TimedStep> = { amber: amberDump(big.pid, dir, bytes, phases), limit: tmpfsWrite(dir, bytes) };
      if (criu !== undefined) steps.criu = criu;
      const times = await interleavedMedians(steps, RUNS);
      const [dumpSeconds, writeSeconds, criuSeconds] = [times.amber, times.limit, criu === undefined ? undefined : times.criu];
      const frozenSeconds = median(phases.frozen.slice(1));
      const pagesSeconds = median(phases.pages.slice(1));
      const rate = (seconds: number): string => formatNumber(bytes / MIB / seconds);
      const criuRow = criuSeconds === undefined ? [] : [[`  the same, by CRIU 4`, formatNumber(criuSeconds * 1000, 1), rate(criuSeconds), formatNumber(writeSeconds / criuSeconds, 2)]];
      return [
        ['small program, dump -R', formatNumber(smallSeconds * 1000, 1), '', ''],
        [`${BIG_MIB} MiB random anonymous, dump -R to tmpfs`, formatNumber(dumpSeconds * 1000, 1), rate(dumpSeconds), formatNumber(writeSeconds / dumpSeconds, 2)],
        ['  of which the tree was frozen', formatNumber(frozenSeconds * 1000, 1), '', ''],
        ['  of which copying the pages', formatNumber(pagesSeconds * 1000, 1), rate(pagesSeconds), formatNumber(writeSeconds / pagesSeconds, 2)],
        ...criuRow,
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
