/**
 * What the root, a copy of amber, has of amber's that its children must
 * not copy: amber's address space (slow to copy into each child and to
 * unmap there again) and amber's signal dispositions (each child would set
 * every one back to the default). The root drops both before it makes
 * any child; restoreMemory and restoreCore then give every task its own.
 */
import { readStatus } from '../proc/status';
import { Syscall } from '../sys/syscall-numbers';
import type { RestoringTask } from './context';
import { unmapInherited } from './memory';
import { RemoteTask } from './remote-task';
import { writeArguments } from './scratch-layout';

/** struct sigaction as the kernel takes it (handler, flags, restorer, mask), all zero: SIG_DFL. */
const DEFAULT_ACTION = Buffer.alloc(32);
const SIGSET_SIZE = 8n;
const HIGHEST_SIGNAL = 64;

/** Every signal the root catches or ignores gets the default action. */
function resetSignalActions(root: RestoringTask): void {
  const status = readStatus(root.main.pid);
  const notDefault = status.sigIgn | status.sigCgt;
  const [action] = writeArguments(root.scratch, DEFAULT_ACTION);
  for (let signal = 1; signal <= HIGHEST_SIGNAL; signal++) {
    if ((notDefault >> BigInt(signal - 1)) & 1n) {
      root.main.check(`resetting the action of signal ${signal}`, Syscall.RtSigaction, BigInt(signal), action, 0n, SIGSET_SIZE);
    }
  }
}

export function dropAmberState(root: RestoringTask): void {
  unmapInherited(root);
  resetSignalActions(root);
  RemoteTask.sigtrapActionsDefault();
}
