/** Value types shared by the procfs parsers; task ids, fds and addresses are the system layer's. */
import type { Pid, Tid } from '../sys/types';

export type { Address, Fd, Pid, Tid } from '../sys/types';
/** An inode number; 64-bit on some filesystems, so never a float. */
export type Inode = bigint;
/** A 64-bit signal set: bit N-1 is signal N. */
export type SignalMask = bigint;
/** A 64-bit capability set: bit N is capability N. */
export type CapabilitySet = bigint;
/** A CPU time in clock ticks (sysconf(_SC_CLK_TCK)). */
export type ClockTicks = number;

export type { Device } from '../sys/device';

/** Which /proc/PID/... file a parser read, for error messages. */
export function procPath(pid: Pid, ...parts: string[]): string {
  return ['/proc', String(pid), ...parts].join('/');
}

/** A per-thread file (/proc/PID/task/TID/NAME) when `tid` is given, else the process's /proc/PID/NAME. */
export function taskPath(pid: Pid, tid: Tid | undefined, name: string): string {
  return tid === undefined ? procPath(pid, name) : procPath(pid, 'task', String(tid), name);
}
