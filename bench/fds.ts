/**
 * Dump and restore of a tree of 100 processes holding 1,000 fds in all,
 * most of them shared (test/programs/fd-tree.c: pipes, eventfds, unix
 * socket pairs, a regular file, inherited and dup'd), against 2 s each;
 * and the kcmp(2) calls amber makes to tell the open file descriptions
 * apart, next to the calls it would make without pre-ids: every fd
 * compared with one fd of each description met before, until kcmp says
 * equal. Medians of five runs after one warm-up run, each run right after
 * touching and freeing memory of the tree's size.
 *
 *   node dist/bench/fds.js
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dump } from '../src/dump';
import { fdTableOf, readCheckpoint, type Checkpoint, type FileId } from '../src/model';
import { restore } from '../src/restore';
import { SIGKILL } from '../src/sys/constants';
import { isSyscallError } from '../src/sys/native';
import { kill } from '../src/sys/process';
import { asPid } from '../src/sys/types';
import { waitpid } from '../src/sys/wait';
import { withPrograms } from '../test/harness/programs';
import { withScratchDir } from './lib/scratch';
import { formatNumber, formatTable } from './lib/table';
import { medianRun } from './lib/timing';
import { warmUpMemory } from './lib/warm-up';

const RUNS = 5;
const PROCESSES = 100;
const LIMIT_SECONDS = 2;
/** More than the tree's pages and amber's own allocations. */
const WORKING_BYTES = 256 << 20;
const GONE_TIMEOUT_MS = 10_000;

/** The root and every descendant of `root`, from /proc/PID/task/TID/children. */
function treePids(root: number): number[] {
  const children = (pid: number): number[] =>
    fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  const pids = [root];
  for (let i = 0; i < pids.length; i++) pids.push(...children(pids[i]!));
  return pids;
}

/** kcmp calls without pre-ids, for the fds of the checkpoint in the order amber meets them. */
function kcmpCallsWithoutPreIds(checkpoint: Checkpoint): number {
  const met: FileId[] = [];
  const tables = new Set<number>();
  let calls = 0;
  for (const task of checkpoint.tasks) {
    const table = fdTableOf(checkpoint, task);
    if (table === undefined || tables.has(table.id)) continue;
    tables.add(table.id);
    for (const { file } of table.fds) {
      const index = met.indexOf(file);
      calls += index >= 0 ? index + 1 : met.length;
      if (index < 0) met.push(file);
    }
  }
  return calls;
}

/** Kills every process of a restored tree by pid, reaps the root (amber's child) and waits until every pid is free. */
async function endRestoredTree(pids: readonly number[]): Promise<void> {
  for (const pid of pids) {
    try {
      kill(pid, SIGKILL);
    } catch (e) {
      if (!isSyscallError(e, 'ESRCH')) throw e;
    }
  }
  waitpid(pids[0]!, 0);
  const deadline = Date.now() + GONE_TIMEOUT_MS;
  while (pids.some((pid) => fs.existsSync(`/proc/${pid}`))) {
    if (Date.now() > deadline) throw new Error(`the restored tree of ${pids[0]} is still there after ${GONE_TIMEOUT_MS} ms`);
    await sleep(10);
  }
}

async function main(): Promise<void> {
  const { rows, calls } = await withScratchDir('amber-bench-fds', (dir) =>
    withPrograms(async (start) => {
      const tree = await start('fd-tree', [String(PROCESSES), path.join(dir, 'shared-file')]);
      const pids = treePids(tree.pid);
      const images = path.join(dir, 'images');
      let kcmpCalls = 0;
      const dumpSeconds = await medianRun(
        {
          prepare: () => {
            fs.rmSync(images, { recursive: true, force: true });
            warmUpMemory(WORKING_BYTES);
          },
          work: async () => {
            kcmpCalls = (await dump({ pid: asPid(tree.pid), imagesDir: images, leaveRunning: true, shellJob: false })).kcmpCalls;
          },
        },
        RUNS,
      );
      // The last dump ends the tree, leaving its pids free for the restores.
      fs.rmSync(images, { recursive: true, force: true });
      await dump({ pid: asPid(tree.pid), imagesDir: images, leaveRunning: false, shellJob: false });
      await tree.kill({ freePid: true });
      const checkpoint = await readCheckpoint(images);
      const fds = checkpoint.tasks.reduce((sum, task) => sum + (fdTableOf(checkpoint, task)?.fds.length ?? 0), 0);
      const restoreSeconds = await medianRun(
        {
          prepare: () => warmUpMemory(WORKING_BYTES),
          work: () => restore({ imagesDir: images, detached: true, shellJob: false }),
          cleanUp: () => endRestoredTree(pids),
        },
        RUNS,
      );
      const label = `${pids.length} processes, ${fds} fds, ${checkpoint.files.size} descriptions`;
      const row = (what: string, seconds: number): string[] => [`${label}: ${what}`, formatNumber(seconds * 1000, 1), formatNumber(seconds / LIMIT_SECONDS, 2)];
      return {
        rows: [row('dump -R', dumpSeconds), row('restore -d', restoreSeconds)],
        calls: [['with pre-ids (amber)', formatNumber(kcmpCalls)], ['without pre-ids', formatNumber(kcmpCallsWithoutPreIds(checkpoint))]],
      };
    }),
  );
  process.stdout.write(`${formatTable(['case', 'ms', `time / ${LIMIT_SECONDS} s`], rows)}\n\n`);
  process.stdout.write(`${formatTable(['kcmp calls', 'count'], calls)}\n`);
  process.stdout.write(`load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
