/**
 * The messages queued on unix sockets and the files in flight with them
 * (SCM_RIGHTS), read once every task's fd table is dumped. Peeking a queue
 * gives amber a copy of each file in flight, which is then described like
 * a task's fd: it shares the id of any fd (of a task, or in flight before
 * it) that points at the same description, and that id goes on the
 * message. A socket in flight adds its own queue to the ones to read; a
 * socket met again (in its own queue, say) shares its id, so loops end.
 */
import { AmberError } from '../../errors';
import type { FileId } from '../../model';
import { close } from '../../sys/fd';
import { copyFdFromProcess } from '../../sys/pidfd';
import type { Fd, Pid } from '../../sys/types';
import type { FileSet } from '../file-set';
import { peekQueue } from './socket-queue';

/** A dumped socket whose queue is still to be read. */
export interface QueueToRead {
  socket: FileId;
  /** Where the socket is open: a task's fd, or amber's copy of a socket in flight. */
  pid: Pid;
  fd: Fd;
  type: number;
  /** What sock_diag says is queued, in bytes. */
  queuedBytes: number;
  /** The socket, for messages. */
  where: string;
}

/** Describes amber's copy of a file in flight (as a task's fd would be) and returns its id. */
export type DescribeCopy = (fd: Fd) => FileId;

const queuesToRead = (files: FileSet): QueueToRead[] => files.once('socket queues to read', () => []);

export function readQueueLater(files: FileSet, queue: QueueToRead): void {
  queuesToRead(files).push(queue);
}

function describeInFlight(fd: Fd, where: string, files: FileSet, describeCopy: DescribeCopy): FileId {
  let id: FileId;
  try {
    id = describeCopy(fd);
  } catch (e) {
    throw e instanceof AmberError ? new AmberError(`${where}: a file in flight on its queue (SCM_RIGHTS): ${e.message}`) : e;
  }
  // Its targets are fd numbers in the task that added them, which a file in flight is not in.
  if (files.files.get(id)?.kind === 'epoll') throw new AmberError(`${where}: has an epoll instance in flight (SCM_RIGHTS), which amber does not dump yet`);
  return id;
}

/** Reads one queue into `files.socketQueues`; amber's copies (of the socket and of the files in flight) go to `copies`. */
function readQueue(files: FileSet, queue: QueueToRead, copies: Fd[], describeCopy: DescribeCopy): void {
  const socketCopy = copyFdFromProcess(queue.pid, queue.fd);
  copies.push(socketCopy);
  const messages = peekQueue(socketCopy, queue.type, queue.queuedBytes, queue.where);
  copies.push(...messages.flatMap((message) => message.fds));
  for (const { data, fds, sender } of messages) {
    const filesInFlight = fds.map((fd) => describeInFlight(fd, queue.where, files, describeCopy));
    files.socketQueues.push({ socket: queue.socket, data, filesInFlight, sender });
  }
}

/** Reads every queue, in the order the sockets were dumped, then those of the sockets in flight. */
export function dumpQueuedMessages(files: FileSet, describeCopy: DescribeCopy): void {
  const queues = queuesToRead(files);
  // kcmp(2) compares later files in flight with amber's copies, so every copy stays open to the end.
  const copies: Fd[] = [];
  try {
    // Describing a socket in flight appends its queue to `queues`.
    for (const queue of queues) readQueue(files, queue, copies, describeCopy);
  } finally {
    copies.forEach((fd) => close(fd));
    queues.length = 0;
  }
}
