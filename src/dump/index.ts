/**
 * `dump()`: checkpoints a process tree into a directory of CRIU-format
 * images. The tree is frozen (every thread seized), described from /proc,
 * ptrace and short syscall injections, its pages copied into the pages
 * files, and its model written with writeCheckpoint. Afterwards the tree is
 * killed, or released with leaveRunning. On any failure it is released
 * unchanged and every file the dump wrote is removed again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { logger } from '../log/logger';
import { pageCount, writeCheckpoint, type Checkpoint, type FdTable, type Task } from '../model';
import { PAGE_SIZE } from '../proc/pagemap';
import { dumpStatsRecorder, writeDumpStats, type DumpStatsRecorder } from '../stats';
import { asPid } from '../sys/types';
import { CgroupSets } from './cgroups';
import { dumpCore } from './core';
import { dumpedTerminalImages } from './fds/tty';
import { FileSet } from './file-set';
import { checkDumpedFiles, dumpFdTable } from './files';
import { FrozenTree } from './freeze';
import { dumpFs } from './fs';
import { KernelObjectIds } from './ids';
import { dumpIpcNamespaces } from './ipc';
import { inventoryOf, timeNamespaceNow } from './inventory';
import { dumpMemory } from './memory';
import type { DumpOptions, DumpResult } from './options';
import { type MemoryPlan, PagesFiles, planMemory } from './pages';
import { prepareToCopyPages } from './pages/page-copy';
import { SeccompChains } from './seccomp';
import { dumpSharedMemory } from './shmem';
import { treePlaces } from './tree';

export type { DumpOptions, DumpResult } from './options';

const log = logger('dump');

/** Plans every live task's pages and counts them in the stats. */
function planAllPages(tree: FrozenTree, stats: DumpStatsRecorder): MemoryPlan[] {
  stats.start('memdumpTime');
  const plans = tree.tasks.filter((task) => !task.zombie).map((task) => planMemory(task.pid, task.threads));
  for (const plan of plans) {
    stats.add('pagesScanned', plan.smaps.reduce((sum, vma) => sum + Number((vma.end - vma.start) / PAGE_SIZE), 0));
    stats.add('pagesWritten', pageCount(plan.ranges));
    stats.add('pagesLazy', pageCount(plan.ranges.filter((range) => range.flags?.lazy === true)));
  }
  stats.stop('memdumpTime');
  return plans;
}

/**
 * Writes the checkpoint of a frozen tree into its images directory. The
 * pages files are written meanwhile: their copy begins as soon as the
 * pages are planned and goes on while the rest of the tree's state is read
 * and its images are written.
 */
async function checkpointTree(
  tree: FrozenTree,
  options: DumpOptions,
  writtenPages: string[],
  stats: DumpStatsRecorder,
): Promise<{ pagesWritten: number; kcmpCalls: number }> {
  const plans = planAllPages(tree, stats);
  const total = plans.reduce((sum, plan) => sum + pageCount(plan.ranges), 0);
  let done = 0;
  stats.start('memwriteTime');
  const pages = new PagesFiles(options.imagesDir, plans, writtenPages, (count) => {
    done += count;
    options.onProgress?.(done, total);
  });
  try {
    const { checkpoint, kcmpCalls } = describeState(tree, options, plans, pages, writtenPages);
    await writeCheckpoint(checkpoint, options.imagesDir);
    pages.finish();
    stats.stop('memwriteTime');
    return { kcmpCalls, pagesWritten: total };
  } catch (e) {
    pages.abandon();
    throw e;
  } finally {
    pages.close();
  }
}

/** Everything of the checkpoint of a frozen tree; the tasks' pages go into the files of `pages` meanwhile. */
function describeState(
  tree: FrozenTree,
  options: DumpOptions,
  plans: readonly MemoryPlan[],
  pages: PagesFiles,
  writtenPages: string[],
): { checkpoint: Checkpoint; kcmpCalls: number } {
  const places = treePlaces(tree.tasks, options.shellJob);
  const ids = new KernelObjectIds();
  // The dumper's own ids come first, as CRIU numbers them (inventory root_ids).
  const dumperIds = ids.of(asPid(process.pid));
  const cgroups = options.manageCgroups === 'ignore' ? undefined : new CgroupSets();
  const files = new FileSet(options.ghostLimit, dumperIds.netNamespace);
  const fdTables = new Map<number, FdTable>();
  const seccomp = new SeccompChains();
  // Before the tasks' own state: it attaches and detaches segments in a task, so its maps are as before when read.
  const ipcNamespaces = dumpIpcNamespaces(tree.tasks, ids, dumperIds.ipcNamespace);
  const tasks: Task[] = tree.tasks.map((frozen, index) => {
    const { threads, process: processState, memoryFacts } = dumpCore(frozen, seccomp, cgroups);
    const place = places[index];
    const plan = plans.find((candidate) => candidate.pid === frozen.pid);
    if (memoryFacts === undefined || plan === undefined) return { ...place, threads, process: processState, ids: undefined, fs: undefined, memory: undefined, pageMap: undefined };
    const taskIds = ids.of(frozen.pid);
    const memory = dumpMemory(frozen.pid, plan.smaps, memoryFacts, files);
    const tableId = taskIds.files ?? 0;
    if (!fdTables.has(tableId)) fdTables.set(tableId, dumpFdTable(frozen.pid, tableId, files, options.fileLocks === true));
    log.debug(() => `task ${frozen.pid}: ${threads.length} threads, ${memory.vmas.length} mappings`);
    const pageMap = { pagesId: pages.pagesId(frozen.pid), ranges: plan.ranges };
    return { ...place, threads, process: processState, ids: taskIds, fs: dumpFs(frozen.pid, files), memory, pageMap };
  });
  checkDumpedFiles(files, options);
  log.info(() => `${files.files.size} open file descriptions, told apart with ${files.kcmpCalls} kcmp calls`);
  const sharedMemory = dumpSharedMemory(files, tasks, options.imagesDir, writtenPages);
  const checkpoint: Checkpoint = {
    inventory: inventoryOf(dumperIds, cgroups?.dumperSet),
    tasks,
    files: files.files,
    fdTables,
    fileLocks: files.fileLocks,
    pipeContents: files.pipeContents,
    fifoContents: files.fifoContents,
    socketQueues: files.socketQueues,
    remaps: files.remaps,
    ghosts: files.ghosts,
    seccomp: seccomp.image(),
    sharedMemory,
    timeNamespaces: [timeNamespaceNow()],
    ipcNamespaces,
    otherImages: new Map([...dumpedTerminalImages(files), ...(cgroups?.images() ?? [])]),
    rawImages: { directory: options.imagesDir, names: writtenPages },
  };
  return { checkpoint, kcmpCalls: files.kcmpCalls };
}

/** Removes what a failed dump wrote, so that no half checkpoint is left behind. */
function removeWritten(directory: string, names: Iterable<string>): void {
  for (const name of names) fs.rmSync(path.join(directory, name), { force: true });
}

/** Checkpoints the tree rooted at `options.pid` into `options.imagesDir`. */
export async function dump(options: DumpOptions): Promise<DumpResult> {
  const started = performance.now();
  fs.mkdirSync(options.imagesDir, { recursive: true });
  const before = new Set(fs.readdirSync(options.imagesDir));
  const writtenPages: string[] = [];
  const stats = dumpStatsRecorder();
  prepareToCopyPages(options.pid);
  stats.start('freezingTime');
  const tree = FrozenTree.freeze(options.pid);
  stats.stop('freezingTime');
  stats.start('frozenTime');
  try {
    const { pagesWritten, kcmpCalls } = await checkpointTree(tree, options, writtenPages, stats);
    if (options.pidfile !== undefined) fs.writeFileSync(options.pidfile, `${options.pid}\n`);
    const frozenMs = stats.stop('frozenTime') / 1000;
    if (options.leaveRunning) tree.release();
    else tree.kill();
    writeDumpStats(options.imagesDir, stats.totalsByName());
    const threads = tree.tasks.reduce((sum, task) => sum + task.threads.length, 0);
    log.info(() => `dumped ${tree.tasks.length} tasks, ${pagesWritten} pages into ${options.imagesDir}`);
    return { tasks: tree.tasks.length, threads, pagesWritten, kcmpCalls, frozenMs, totalMs: performance.now() - started, stats: stats.totalsByName() };
  } catch (e) {
    tree.release();
    removeWritten(options.imagesDir, fs.readdirSync(options.imagesDir).filter((name) => !before.has(name) || writtenPages.includes(name)));
    throw e;
  }
}
