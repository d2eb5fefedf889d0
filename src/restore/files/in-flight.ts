/**
 * Files in flight on restore: descriptions that a socket's queue carries
 * (SCM_RIGHTS), opened once like every other description, whether or not
 * a task also has an fd for them. Sockets refill their queues as they are
 * made, so the other files are opened first (../files.ts), and a socket in
 * flight is made when a queue needs it.
 */
import { AmberError } from '../../errors';
import { findFile, type Checkpoint, type FileId, type OpenFile } from '../../model';
import type { Fd } from '../../sys/types';
import type { OpenedFile } from './kinds';
import type { OpenContext } from './open-context';

/** The descriptions this restore opened, by id, whoever needed each first: a task's fd or a socket's queue. */
export const openedDescriptions = (context: OpenContext): Map<FileId, OpenedFile> => context.once('opened descriptions', () => new Map<FileId, OpenedFile>());

/** Every description a queue carries, once each, unix sockets last: making one refills its queue, which needs the rest open. */
export function filesInFlight(checkpoint: Checkpoint): FileId[] {
  const ids = [...new Set(checkpoint.socketQueues.flatMap((packet) => packet.filesInFlight))];
  const kindOf = (id: FileId): OpenFile['kind'] => findFile(checkpoint, id).kind;
  // An epoll's targets are fds of the task that added them (../files.ts sets them up there), which a file in flight is not in.
  const epoll = ids.find((id) => kindOf(id) === 'epoll');
  if (epoll !== undefined) throw new AmberError(`file ${epoll}: an epoll instance in flight (SCM_RIGHTS) is not supported yet`);
  return [...ids.filter((id) => kindOf(id) !== 'unix-socket'), ...ids.filter((id) => kindOf(id) === 'unix-socket')];
}

/** amber's fd of file `id` in flight, other than a unix socket: opened before any socket was made. */
export function openedInFlight(context: OpenContext, id: FileId, where: string): Fd {
  const opened = openedDescriptions(context).get(id);
  if (opened === undefined) throw new AmberError(`${where}: file id ${id} in its queue (SCM_RIGHTS) was not opened before the socket`);
  return opened.fd;
}
