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
import { writeCheckpoint, type Checkpoint, type FdTable, type Task } from '../model';
import type { SmapsVma } from '../proc/smaps';
import { PAGE_SIZE } from '../proc/pagemap';
import { dumpStatsRecorder, writeDumpStats, type DumpStatsRecorder } from '../stats';
import { asPid, type Pid } from '../sys/types';
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
import { pageCount, pagesImageName, prepareToWritePages, savedPageRanges, writePages } from './pages';
import { SeccompChains } from './seccomp';
import { dumpSharedMemory } from './shmem';
import { treePlaces } from './tree';

export type { DumpOptions, DumpResult } from './options';

const log = logger('dump');

/** Builds the checkpoint of a frozen tree, writing the pages files into `directory` on the way. */
function describeTree(
  tree: FrozenTree,
  options: DumpOptions,
  writtenPages: string[],
  stats: DumpStatsRecorder,
): { checkpoint: Checkpoint; pagesWritten: number; kcmpCalls: number } {
  const places = treePlaces(tree.tasks, options.shellJob);
  const ids = new KernelObjectIds();
  // The dumper's own ids come first, as CRIU numbers them (inventory root_ids).
  const dumperIds = ids.of(asPid(process.pid));
  const cgroups = options.manageCgroups === 'ignore' ? undefined : new CgroupSets();
  const files = new FileSet(options.ghostLimit);
  const fdTables = new Map<number, FdTable>();
  const mappings = new Map<Pid, SmapsVma[]>();
  const seccomp = new SeccompChains();
  // Before the tasks' own state: it attaches and detaches segments in a task, so its maps are as before when read.
  const ipcNamespaces = dumpIpcNamespaces(tree.tasks, ids, dumperIds.ipcNamespace);
  const tasks: Task[] = tree.tasks.map((frozen, index) => {
    const { threads, process: processState, memoryFacts } = dumpCore(frozen, seccomp, cgroups);
    const place = places[index];
    if (memoryFacts === undefined) return { ...place, threads, process: processState, ids: undefined, fs: undefined, memory: undefined, pageMap: undefined };
    const taskIds = ids.of(frozen.pid);
    const { memory, vmas } = dumpMemory(frozen.pid, memoryFacts, files);
    mappings.set(frozen.pid, vmas);
    const tableId = taskIds.files ?? 0;
    if (!fdTables.has(tableId)) fdTables.set(tableId, dumpFdTable(frozen.pid, tableId, files, options.fileLocks === true));
    log.debug(() => `task ${frozen.pid}: ${threads.length} threads, ${memory.vmas.length} mappings`);
    return { ...place, threads, process: processState, ids: taskIds, fs: dumpFs(frozen.pid, files), memory, pageMap: undefined };
  });
  checkDumpedFiles(files, options);
  log.info(() => `${files.files.size} open file descriptions, told apart with ${files.kcmpCalls} kcmp calls`);
  const pagesWritten = dumpAllPages(tasks, mappings, options, writtenPages, stats);
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
  return { checkpoint, pagesWritten, kcmpCalls: files.kcmpCalls };
}

/** Plans every live task's pages, then copies them, one pages file per task. */
function dumpAllPages(tasks: Task[], mappings: ReadonlyMap<Pid, SmapsVma[]>, options: DumpOptions, writtenPages: string[], stats: DumpStatsRecorder): number {
  stats.start('memdumpTime');
  const plans = tasks.flatMap((task) => {
    const vmas = mappings.get(task.pid);
    if (vmas === undefined) return [];
    stats.add('pagesScanned', vmas.reduce((sum, vma) => sum + Number((vma.end - vma.start) / PAGE_SIZE), 0));
    return [{ task, ranges: savedPageRanges(task.pid, vmas) }];
  });
  const total = plans.reduce((sum, plan) => sum + pageCount(plan.ranges), 0);
  stats.add('pagesWritten', total);
  stats.add('pagesLazy', plans.reduce((sum, plan) => sum + pageCount(plan.ranges.filter((range) => range.flags?.lazy === true)), 0));
  stats.stop('memdumpTime');
  stats.start('memwriteTime');
  let done = 0;
  plans.forEach(({ task, ranges }, index) => {
    const pagesId = index + 1;
    writtenPages.push(pagesImageName(pagesId));
    writePages(task.pid, ranges, options.imagesDir, pagesId, (pages) => {
      done += pages;
      options.onProgress?.(done, total);
    });
    task.pageMap = { pagesId, ranges };
  });
  stats.stop('memwriteTime');
  return total;
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
  stats.start('freezingTime');
  const tree = FrozenTree.freeze(options.pid);
  stats.stop('freezingTime');
  stats.start('frozenTime');
  try {
    prepareToWritePages(tree.tasks.map((task) => task.pid));
    const { checkpoint, pagesWritten, kcmpCalls } = describeTree(tree, options, writtenPages, stats);
    await writeCheckpoint(checkpoint, options.imagesDir);
    if (options.pidfile !== undefined) fs.writeFileSync(options.pidfile, `${options.pid}\n`);
    const frozenMs = stats.stop('frozenTime') / 1000;
    if (options.leaveRunning) tree.release();
    else tree.kill();
    await writeDumpStats(options.imagesDir, stats.totalsByName());
    const threads = tree.tasks.reduce((sum, task) => sum + task.threads.length, 0);
    log.info(() => `dumped ${tree.tasks.length} tasks, ${pagesWritten} pages into ${options.imagesDir}`);
    return { tasks: tree.tasks.length, threads, pagesWritten, kcmpCalls, frozenMs, totalMs: performance.now() - started, stats: stats.totalsByName() };
  } catch (e) {
    tree.release();
    removeWritten(options.imagesDir, fs.readdirSync(options.imagesDir).filter((name) => !before.has(name) || writtenPages.includes(name)));
    throw e;
  }
}
