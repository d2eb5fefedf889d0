/** Which fds, in which tasks, hold an open file description or the other ends of what it is attached to. */
import { fdsUsing, pipeEnds, type Checkpoint, type FdUser, type FileId, type PipeId } from '../../model';

/** One fd of one task, shown as PID:FD. */
export type Holder = FdUser;

export function holderText(holders: readonly Holder[]): string {
  return holders.map((holder) => `${holder.pid}:${holder.fd}`).join(', ');
}

/** The fds that share description `file` with `self`. */
export function otherHolders(checkpoint: Checkpoint, file: FileId, self: Holder): Holder[] {
  return fdsUsing(checkpoint, file).filter((holder) => holder.pid !== self.pid || holder.fd !== self.fd);
}

/** The fds of the pipe's (or FIFO's) other descriptions. */
export function otherPipeEnds(checkpoint: Checkpoint, pipe: PipeId, file: FileId): Holder[] {
  return pipeEnds(checkpoint, pipe)
    .filter((end) => end.id !== file)
    .flatMap((end) => fdsUsing(checkpoint, end.id));
}
