/** Creating, signalling and configuring processes. */
import { Resource, SIGCHLD } from './constants';
import { native } from './native';
import type { Address, Pid, Tid } from './types';

export interface Clone3Options {
  /** CLONE_* flags (the 32 low bits); never CLONE_VM, CLONE_THREAD or CLONE_VFORK: the child has no stack of its own. */
  flags?: number;
  exitSignal?: number;
  /** The pid to take in each pid namespace, innermost first; empty lets the kernel choose. */
  setTid?: readonly number[];
}

/**
 * A new child of amber that is stopped (by its own SIGSTOP) before it runs
 * any code of its own, ready to be seized. The caller reaps it.
 */
export function clone3Stopped(options: Clone3Options = {}): Pid {
  const flags = BigInt((options.flags ?? 0) >>> 0);
  return native().clone3Stopped(flags, options.exitSignal ?? SIGCHLD, [...(options.setTid ?? [])]) as Pid;
}

export function kill(pid: number, signal: number): void {
  native().kill(pid, signal);
}

export function tgkill(tgid: Pid, tid: Tid, signal: number): void {
  native().tgkill(tgid, tid, signal);
}

/** The calling thread's id (amber's main thread when called from JavaScript). */
export function gettid(): Tid {
  return native().gettid() as Tid;
}

/** Limits as the kernel stores them; RLIM_INFINITY is 2^64-1. */
export interface Rlimit {
  soft: bigint;
  hard: bigint;
}

export function getRlimit(pid: Pid, resource: Resource): Rlimit {
  const { cur, max } = native().prlimit(pid, resource, null);
  return { soft: cur, hard: max };
}

/** Sets a limit and returns the previous one. */
export function setRlimit(pid: Pid, resource: Resource, limit: Rlimit): Rlimit {
  const { cur, max } = native().prlimit(pid, resource, { cur: limit.soft, max: limit.hard });
  return { soft: cur, hard: max };
}

/** struct sched_attr (sched_setattr(2)); `runtime`, `deadline`, `period` in nanoseconds. */
export interface SchedAttr {
  policy: number;
  flags: bigint;
  nice: number;
  priority: number;
  runtime: bigint;
  deadline: bigint;
  period: bigint;
  utilMin: number;
  utilMax: number;
}

/** A thread's robust futex list (set_robust_list(2)). */
export interface RobustList {
  head: Address;
  length: number;
}

/** The robust futex list thread `tid` registered, read from outside (get_robust_list(2)). */
export function robustListOf(tid: Tid): RobustList {
  const raw = native().getRobustList(tid);
  return { head: raw.readBigUInt64LE(0), length: Number(raw.readBigUInt64LE(8)) };
}

/** sizeof(struct sched_attr) with the utilization clamps (SCHED_ATTR_SIZE_VER1). */
const SCHED_ATTR_SIZE = 56;

export function schedGetattr(pid: Pid): SchedAttr {
  const raw = Buffer.alloc(SCHED_ATTR_SIZE);
  native().schedGetattr(pid).copy(raw);
  return {
    policy: raw.readUInt32LE(4),
    flags: raw.readBigUInt64LE(8),
    nice: raw.readInt32LE(16),
    priority: raw.readUInt32LE(20),
    runtime: raw.readBigUInt64LE(24),
    deadline: raw.readBigUInt64LE(32),
    period: raw.readBigUInt64LE(40),
    utilMin: raw.readUInt32LE(48),
    utilMax: raw.readUInt32LE(52),
  };
}

export function schedSetattr(pid: Pid, attr: SchedAttr, flags = 0): void {
  const raw = Buffer.alloc(SCHED_ATTR_SIZE);
  raw.writeUInt32LE(SCHED_ATTR_SIZE, 0);
  raw.writeUInt32LE(attr.policy, 4);
  raw.writeBigUInt64LE(attr.flags, 8);
  raw.writeInt32LE(attr.nice, 16);
  raw.writeUInt32LE(attr.priority, 20);
  raw.writeBigUInt64LE(attr.runtime, 24);
  raw.writeBigUInt64LE(attr.deadline, 32);
  raw.writeBigUInt64LE(attr.period, 40);
  raw.writeUInt32LE(attr.utilMin, 48);
  raw.writeUInt32LE(attr.utilMax, 52);
  native().schedSetattr(pid, raw, flags);
}

/** Moves amber's calling thread into the namespace behind `fd` (nsType: a CLONE_NEW* flag or 0). */
export function setns(fd: number, nsType = 0): void {
  native().setns(fd, nsType);
}

export function unshare(flags: number): void {
  native().unshare(flags);
}
