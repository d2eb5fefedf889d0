/** Questions about a checkpoint that cross from one object to another. */
import { AmberError } from '../errors';
import type { Checkpoint } from './checkpoint';
import type { OpenFile, PipeEnd, FifoEnd } from './files';
import type { Fd, FileId, Pid, PipeId, SignalSet, Tid } from './ids';
import type { GhostFile, PipeContents, QueuedPacket } from './shared';
import type { FdTable, Task } from './task';

export function findTask(checkpoint: Checkpoint, pid: Pid): Task {
  const task = checkpoint.tasks.find((candidate) => candidate.pid === pid);
  if (task === undefined) throw new AmberError(`task ${pid}: not in the checkpoint's process tree`);
  return task;
}

/** The task's fd table; undefined for a zombie. */
export function fdTableOf(checkpoint: Checkpoint, task: Task): FdTable | undefined {
  const id = task.ids?.files;
  if (id === undefined) return undefined;
  const table = checkpoint.fdTables.get(id);
  if (table === undefined) throw new AmberError(`task ${task.pid}: its fd table ${id} is not in the checkpoint`);
  return table;
}

export function findFile(checkpoint: Checkpoint, id: FileId): OpenFile {
  const file = checkpoint.files.get(id);
  if (file === undefined) throw new AmberError(`file id ${id}: not in the checkpoint's open files`);
  return file;
}

/** The open file description behind one fd of a task. */
export function fileAt(checkpoint: Checkpoint, pid: Pid, fd: Fd): OpenFile {
  const entry = fdTableOf(checkpoint, findTask(checkpoint, pid))?.fds.find((candidate) => candidate.fd === fd);
  if (entry === undefined) throw new AmberError(`task ${pid}: has no fd ${fd}`);
  return findFile(checkpoint, entry.file);
}

export interface FdUser {
  pid: Pid;
  fd: Fd;
}

/** Every (task, fd) pointing at an open file description; tasks sharing an fd table each count. */
export function fdsUsing(checkpoint: Checkpoint, file: FileId): FdUser[] {
  return checkpoint.tasks.flatMap((task) =>
    (fdTableOf(checkpoint, task)?.fds ?? []).filter((entry) => entry.file === file).map((entry) => ({ pid: task.pid, fd: entry.fd })),
  );
}

/** The open descriptions of one pipe's (or FIFO's) ends. */
export function pipeEnds(checkpoint: Checkpoint, pipe: PipeId): (PipeEnd | FifoEnd)[] {
  return [...checkpoint.files.values()].filter((file): file is PipeEnd | FifoEnd => (file.kind === 'pipe' || file.kind === 'fifo') && file.pipe === pipe);
}

/** Unread data of a pipe or a FIFO; undefined when it was empty. */
export function pipeContentsOf(checkpoint: Checkpoint, end: PipeEnd | FifoEnd): PipeContents | undefined {
  const stored = end.kind === 'pipe' ? checkpoint.pipeContents : checkpoint.fifoContents;
  return stored.find((contents) => contents.pipe === end.pipe);
}

/** Messages waiting to be read from a socket, oldest first. */
export function queuedPackets(checkpoint: Checkpoint, socket: FileId): QueuedPacket[] {
  return checkpoint.socketQueues.filter((packet) => packet.socket === socket);
}

/** The ghost that stands for a description whose file was unlinked. */
export function ghostOf(checkpoint: Checkpoint, file: FileId): GhostFile | undefined {
  const remap = checkpoint.remaps.find((candidate) => candidate.file === file && candidate.type === 'GHOST');
  return remap === undefined ? undefined : checkpoint.ghosts.find((ghost) => ghost.remapId === remap.remapId);
}

/** A thread's blocked signals: CRIU keeps the main thread's with the process. */
export function blockedSignals(task: Task, tid: Tid): SignalSet {
  const thread = task.threads.find((candidate) => candidate.tid === tid);
  if (thread === undefined) throw new AmberError(`task ${task.pid}: has no thread ${tid}`);
  return thread.core?.blockedSignals ?? task.process.blockedSignals;
}
