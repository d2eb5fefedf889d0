/**
 * `restore()`: recreates a checkpointed process tree as amber's tracees
 * (see tree.ts), gives each task its memory, files and core state by
 * syscall injection, and lets the whole tree go at once. A restore that
 * fails kills every task it created.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AmberError, fsErrorName } from '../errors';
import { logger } from '../log/logger';
import { readCheckpoint, storedPageCount, type Checkpoint, type Thread } from '../model';
import { readMaps } from '../proc/maps';
import { restoreStatsRecorder, STATS_RESTORE, writeRestoreStats, type RestoreStats, type RestoreStatsRecorder } from '../stats';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_DGRAM } from '../sys/constants';
import { close } from '../sys/fd';
import { socketpair } from '../sys/socket';
import { Syscall } from '../sys/syscall-numbers';
import type { Address, Pid } from '../sys/types';
import { waitpid } from '../sys/wait';
import { checkBuildIds } from './build-ids';
import { CgroupPlacement } from './cgroups';
import type { RestoreContext, RestoringTask } from './context';
import { restoreCore } from './core';
import { restoreFileLocks } from './file-locks';
import { OpenDescriptions, restoreFds } from './files';
import { restoreFsState } from './fs-state';
import { restoreIdentity } from './identity';
import { restoreIpcNamespace } from './ipc';
import { restoreMemory } from './memory';
import type { RestoreOptions, RestoreResult } from './options';
import { releasePtyPairs } from './pty-pairs';
import { finalRegisters, restoreFpu } from './registers';
import { freeStretch } from './scratch-layout';
import { checkIdsBelowPidMax } from './pid-range';
import { checkSharedObjects, SharedObjectRestorers } from './shared-objects';
import { releaseSharedMemory, sharedMemoryFor } from './shmem';
import { releaseSignals } from './signals';
import { restoreForegroundGroups } from './terminals';
import type { RemoteTask } from './remote-task';
import { createTree, killCreated } from './tree';

export type { RestoreOptions, RestoreResult } from './options';

const log = logger('restore');

/** An address free in amber (which the root copies) and in every address space of the checkpoint. */
function scratchAddressFor(checkpoint: Checkpoint): Address {
  return freeStretch(
    readMaps(process.pid as Pid),
    checkpoint.tasks.flatMap((task) => task.memory?.vmas ?? []),
  );
}

/** Gives a thread its CPU state; its registers apply when it leaves its stop. */
function setCpuState(remote: RemoteTask, thread: Thread): void {
  const regs = finalRegisters(thread.cpu, remote.name);
  if (thread.cpu !== undefined) restoreFpu(remote.tid, thread.cpu.fpu);
  remote.setRegisters(regs);
}

/**
 * The main thread's last injected syscall removes the scratch page (in an
 * address space shared with other processes: only the one that restored
 * it); every thread's own registers apply from there.
 */
function release(task: RestoringTask, ownsAddressSpace: boolean): void {
  const { main, scratch, threads } = task;
  const [mainThread, ...others] = task.task.threads;
  others.forEach((thread, i) => setCpuState(threads[i], thread));
  if (ownsAddressSpace) main.check('removing its scratch page', Syscall.Munmap, scratch.address, BigInt(scratch.size));
  releaseSignals(task);
  setCpuState(main, mainThread);
}

function restoreTasks(
  context: RestoreContext,
  options: Omit<RestoreOptions, 'imagesDir'>,
  cgroups: CgroupPlacement,
  stats: RestoreStatsRecorder,
): { live: RestoringTask[]; pages: number } {
  checkSharedObjects(context.checkpoint);
  stats.start('forkingTime');
  const live = createTree(context, options.shellJob);
  stats.stop('forkingTime');
  cgroups.place();
  restoreIpcNamespace(context.checkpoint, live[0]);
  log.info(() => `created ${context.created.length} tasks and threads`);
  const shared = sharedMemoryFor(context.checkpoint);
  const restorers = new SharedObjectRestorers();
  // Tasks that share an address space (CLONE_VM) restore it once.
  const ownMemory = live.filter((task) => restorers.claims('memory', task.task));
  const total = ownMemory.reduce((sum, { task: { pageMap } }) => sum + (pageMap === undefined ? 0 : storedPageCount(pageMap)), 0);
  let done = 0;
  const onPages = (count: number): void => {
    done += count;
    options.onProgress?.(done, total);
  };
  let pages = 0;
  // Mappings of unlinked files use the descriptions too: a mapping and an fd of one such file share its ghost.
  const descriptions = new OpenDescriptions(context);
  try {
    for (const task of ownMemory) pages += restoreMemory(context.checkpoint, context.imagesDir, task, shared, descriptions, onPages);
    for (const task of live) {
      if (restorers.claims('fs', task.task)) restoreFsState(context.checkpoint, task);
      if (restorers.claims('files', task.task)) restoreFds(context, task, descriptions);
      restoreFileLocks(context.checkpoint.fileLocks, task);
    }
    restoreForegroundGroups(context.checkpoint, live);
  } finally {
    descriptions.closeAll();
  }
  shared.sealDeferred();
  for (const task of live) restoreCore(task);
  // Last: the tasks' own credentials may lack the privileges the steps before need.
  for (const task of live) restoreIdentity(context.checkpoint, task);
  for (const task of live) release(task, restorers.claims('memory', task.task));
  // Children first: a parent that runs early finds them all there.
  for (const task of [...live].reverse()) {
    for (const thread of [task.main, ...task.threads]) thread.detach();
  }
  return { live, pages };
}

/** Waits for the root task (amber's child) to end. */
function waitForRoot(pid: Pid): RestoreResult['exit'] {
  for (;;) {
    const result = waitpid(pid, 0);
    if (result === null) continue;
    const { status } = result;
    if (status.kind === 'exited') return { code: status.code };
    if (status.kind === 'signaled') return { signal: status.signal };
  }
}

/**
 * Leaves stats-restore in the images directory, as CRIU does once the tree
 * runs; the tree runs already, so a directory amber may not write to only
 * costs the file.
 */
function leaveStats(imagesDir: string, stats: RestoreStats): void {
  try {
    writeRestoreStats(imagesDir, stats);
  } catch (e) {
    log.warn(`cannot write ${path.join(imagesDir, STATS_RESTORE)}: ${fsErrorName(e)}`);
  }
}

/** Restores the checkpoint in `options.imagesDir`. */
export async function restore(options: RestoreOptions): Promise<RestoreResult> {
  return restoreCheckpoint(await readCheckpoint(path.resolve(options.imagesDir)), options);
}

/** Restores a checkpoint already read (or built); its page images are read from checkpoint.rawImages.directory. */
export function restoreCheckpoint(checkpoint: Checkpoint, options: Omit<RestoreOptions, 'imagesDir'>): RestoreResult {
  const started = performance.now();
  const stats = restoreStatsRecorder();
  stats.start('restoreTime');
  const imagesDir = path.resolve(checkpoint.rawImages.directory);
  if (checkpoint.tasks.length === 0) throw new AmberError(`${imagesDir}: the checkpoint has no tasks`);
  checkIdsBelowPidMax(checkpoint);
  checkBuildIds(checkpoint);
  const cgroups = new CgroupPlacement(checkpoint, options.manageCgroups ?? 'soft', options.cgroupRoots ?? []);
  const [channel, taskChannel] = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC);
  const context: RestoreContext = { checkpoint, imagesDir, scratchAddress: scratchAddressFor(checkpoint), channel, taskChannel, created: [] };
  let restored;
  try {
    restored = restoreTasks(context, options, cgroups, stats);
  } catch (e) {
    killCreated(context.created);
    cgroups.removeCreated();
    throw e;
  } finally {
    close(channel);
    close(taskChannel);
    releaseSharedMemory(checkpoint);
    releasePtyPairs(checkpoint);
  }
  stats.add('pagesRestored', restored.pages);
  stats.stop('restoreTime');
  leaveStats(imagesDir, stats.totalsByName());
  const rootPid = checkpoint.tasks[0].pid;
  if (options.pidfile !== undefined) fs.writeFileSync(options.pidfile, `${rootPid}`);
  const result: RestoreResult = { rootPid, tasks: checkpoint.tasks.length, pagesRestored: restored.pages, totalMs: performance.now() - started, stats: stats.totalsByName() };
  options.onRunning?.(result);
  if (!options.detached) result.exit = waitForRoot(rootPid);
  return result;
}
