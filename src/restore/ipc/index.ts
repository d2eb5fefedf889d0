/**
 * The tree's own IPC namespace: the root is cloned into a new one
 * (CLONE_NEWIPC) when it had one apart from the dumper's, and the
 * namespace's limits and System V objects are made again by syscalls
 * injected into the root, which sees that namespace's objects and /proc/sys.
 */
import { AmberError } from '../../errors';
import type { Checkpoint } from '../../model';
import type { IpcNamespace, IpcSegment } from '../../model/ipc';
import { shmemPagemapImage } from '../../model/shared-memory';
import { CLONE_NEWIPC } from '../../sys/constants';
import { LARGEST_STAT, MSGBUF_TEXT } from '../../sys/sysv-ipc';
import { TaskCalls, withTaskBuffer } from '../../sys/task-calls';
import type { RestoringTask } from '../context';
import { createQueue, createSegment, createSemaphoreSet, type StoredPages } from './objects';
import { writeIpcLimits, writeIpcNextIds } from './sysctls';

/** The id of the root's IPC namespace when it is not the dumper's (inventory root_ids). */
function ownNamespaceId(checkpoint: Checkpoint): number | undefined {
  const root = checkpoint.tasks[0].ids?.ipcNamespace;
  return root === checkpoint.inventory.rootIds?.ipcNamespace ? undefined : root;
}

/** The clone flags the root needs for its IPC namespace. */
export function ipcCloneFlags(checkpoint: Checkpoint): number {
  return ownNamespaceId(checkpoint) === undefined ? 0 : CLONE_NEWIPC;
}

/** Refuses what one namespace for the whole tree cannot give back. */
function checkIpcNamespaces(checkpoint: Checkpoint, namespace: IpcNamespace | undefined): void {
  const [root, ...others] = checkpoint.tasks;
  const rootId = root.ids?.ipcNamespace;
  for (const task of others) {
    const id = task.ids?.ipcNamespace;
    if (id !== undefined && id !== rootId) throw new AmberError(`task ${task.pid}: its IPC namespace ${id} is not the root's (${rootId}), which amber cannot restore yet`);
  }
  const lost = namespace?.segments.find((segment) => segment.contents === undefined && storedPagesOf(checkpoint, segment) === undefined);
  if (lost !== undefined) {
    const { id } = lost.description;
    throw new AmberError(`System V shared memory segment ${id}: ${checkpoint.rawImages.directory}/${shmemPagemapImage(BigInt(id))}, which holds its contents, is missing`);
  }
}

/** Where the checkpoint keeps a segment's pages when its entry does not (keyed by the segment's id). */
function storedPagesOf(checkpoint: Checkpoint, segment: IpcSegment): StoredPages | undefined {
  const id = BigInt(segment.description.id);
  const pageMap = checkpoint.sharedMemory?.pages.find((pages) => pages.shmid === id)?.pageMap;
  return pageMap === undefined ? undefined : { imagesDir: checkpoint.rawImages.directory, pageMap };
}

/** The buffer the largest message, semaphore set or *_ds structure needs. */
function bufferSize(namespace: IpcNamespace): number {
  return Math.max(
    ...namespace.queues.flatMap((queue) => queue.messages.map((message) => MSGBUF_TEXT + message.text.length)),
    ...namespace.semaphoreSets.map((set) => 2 * set.values.length),
    LARGEST_STAT,
  );
}

/** Gives the root's new IPC namespace its limits and objects; `root` must have been cloned with ipcCloneFlags. */
export function restoreIpcNamespace(checkpoint: Checkpoint, root: RestoringTask): void {
  const id = ownNamespaceId(checkpoint);
  const namespace = checkpoint.ipcNamespaces?.find((candidate) => candidate.id === id);
  checkIpcNamespaces(checkpoint, namespace);
  if (id === undefined || namespace === undefined) return;
  const calls = new TaskCalls(root.task.pid, root.main.name, (nr, ...args) => root.main.syscall(nr, ...args));
  withTaskBuffer(calls, bufferSize(namespace), (buffer) => {
    writeIpcLimits(buffer, namespace.sysctls);
    for (const segment of namespace.segments) createSegment(calls, buffer, segment, storedPagesOf(checkpoint, segment));
    for (const queue of namespace.queues) createQueue(calls, buffer, queue);
    for (const set of namespace.semaphoreSets) createSemaphoreSet(calls, buffer, set);
    writeIpcNextIds(buffer, namespace.sysctls);
  });
}
