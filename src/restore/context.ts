/** What the steps of one restore share: the checkpoint, the tasks made so far and amber's end of the fd channel. */
import type { Checkpoint, Task } from '../model';
import type { ScratchPage } from '../sys/scratch';
import type { Address, Fd, Pid } from '../sys/types';
import type { RemoteTask } from './remote-task';

/** A live task of the checkpoint, recreated and held stopped by amber. */
export interface RestoringTask {
  task: Task;
  main: RemoteTask;
  /** The other threads, in the image's order. */
  threads: RemoteTask[];
  /** The page amber works in: its syscall instruction, then buffers for syscall arguments. */
  scratch: ScratchPage;
  /** The task's end of the channel amber passes fds over (an fd number in the task). */
  channelFd: number;
}

export interface RestoreContext {
  checkpoint: Checkpoint;
  /** Absolute, so that tasks can open the page images whatever their cwd. */
  imagesDir: string;
  /** Where every task has its scratch page: free in the fresh task and in every image address space. */
  scratchAddress: Address;
  /** amber's end of the channel fds are passed over. */
  channel: Fd;
  /** The other end, which the root inherits as a copy of amber (same number) and its children from it. */
  taskChannel: Fd;
  /** Every pid created so far, zombies too: what a failed restore kills. */
  created: Pid[];
}
