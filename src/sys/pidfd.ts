/** Process file descriptors (pidfd_open(2), pidfd_getfd(2), pidfd_send_signal(2)) and kcmp(2). */
import { KcmpType } from './constants';
import { native } from './native';
import type { Fd, Pid } from './types';

export function pidfdOpen(pid: Pid, flags = 0): Fd {
  return native().pidfdOpen(pid, flags) as Fd;
}

/** A duplicate, in amber, of file descriptor `targetFd` of the process behind `pidfd`. */
export function pidfdGetfd(pidfd: Fd, targetFd: number, flags = 0): Fd {
  return native().pidfdGetfd(pidfd, targetFd, flags) as Fd;
}

export function pidfdSendSignal(pidfd: Fd, signal: number, flags = 0): void {
  native().pidfdSendSignal(pidfd, signal, flags);
}

/** Copies fd `targetFd` of process `pid` into amber (the caller closes it). */
export function copyFdFromProcess(pid: Pid, targetFd: number): Fd {
  const pidfd = pidfdOpen(pid);
  try {
    return pidfdGetfd(pidfd, targetFd);
  } finally {
    native().close(pidfd);
  }
}

export type KcmpOrder = 'equal' | 'less' | 'greater' | 'unordered';

const KCMP_ORDERS: readonly KcmpOrder[] = ['equal', 'less', 'greater', 'unordered'];

/** Whether two processes share a kernel resource; for KcmpType.File, idx1 and idx2 are their fds. */
export function kcmp(pid1: Pid, pid2: Pid, type: KcmpType, idx1: number | bigint = 0, idx2: number | bigint = 0): KcmpOrder {
  return KCMP_ORDERS[native().kcmp(pid1, pid2, type, BigInt(idx1), BigInt(idx2))];
}
