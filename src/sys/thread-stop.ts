/**
 * Holding one thread of another process in a ptrace stop: seize and stop it,
 * wait for its next stop and say what kind it is (ptrace(2) "Stopped
 * states"), and let it go again. Failures become one-line AmberErrors naming
 * the task.
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import {
  __WALL,
  PTRACE_EVENT_STOP,
  PTRACE_O_SUSPEND_SECCOMP,
  PTRACE_O_TRACESYSGOOD,
  SIGTRAP,
  WNOHANG,
} from './constants';
import { isSyscallError } from './native';
import * as ptrace from './ptrace';
import type { Pid, Tid } from './types';
import { waitpid } from './wait';

export type ThreadStop =
  /** Syscall-enter or syscall-exit stop (PTRACE_O_TRACESYSGOOD sets bit 7 of the signal). */
  | { kind: 'syscall' }
  /** PTRACE_EVENT_STOP: after PTRACE_INTERRUPT, or a group-stop, inside the kernel's signal handling. */
  | { kind: 'event-stop' }
  /** Signal-delivery-stop: `signal` is about to be delivered unless the tracer suppresses it. */
  | { kind: 'signal'; signal: number }
  /** Another PTRACE_EVENT_* the tracer asked for with its options. */
  | { kind: 'ptrace-event'; event: number }
  | { kind: 'gone'; how: string };

/** How long a thread may take to report a stop after being resumed for one non-blocking step. */
const STOP_TIMEOUT_MS = 10_000;
const SYSCALL_STOP_SIGNAL = SIGTRAP | 0x80;

/** "task 12" for a main thread, "task 12 thread 14" for another one. */
export function describeTask(pid: Pid, tid: Tid): string {
  return pid === tid ? `task ${pid}` : `task ${pid} thread ${tid}`;
}

const sleepBuffer = new Int32Array(new SharedArrayBuffer(4));

function pause(ms: number): void {
  Atomics.wait(sleepBuffer, 0, 0, ms);
}

function classify(status: NonNullable<ReturnType<typeof waitpid>>['status']): ThreadStop {
  switch (status.kind) {
    case 'exited':
      return { kind: 'gone', how: `exited with code ${status.code}` };
    case 'signaled':
      return { kind: 'gone', how: `was killed by signal ${status.signal}` };
    case 'continued':
      throw new Error('waitpid reported "continued" without WCONTINUED');
    case 'stopped':
      if (status.signal === SYSCALL_STOP_SIGNAL) return { kind: 'syscall' };
      if (status.ptraceEvent === PTRACE_EVENT_STOP) return { kind: 'event-stop' };
      if (status.ptraceEvent !== 0) return { kind: 'ptrace-event', event: status.ptraceEvent };
      return { kind: 'signal', signal: status.signal };
  }
}

/** The longest sleep between two polls: a stop is seen at most this late (a dump waits for dozens of long injected writes). */
const MAX_POLL_IDLE_MS = 0.5;
/**
 * How long to poll without sleeping first: most injected syscalls stop
 * again within a few microseconds, far less than the shortest sleep takes.
 */
const SPIN_MS = 0.1;

/**
 * Waits for the next stop of a traced thread. Polls (WNOHANG) so that a
 * thread that never stops becomes an error instead of a hang.
 */
export function waitForStop(pid: Pid, tid: Tid, timeoutMs = STOP_TIMEOUT_MS): ThreadStop {
  const deadline = Date.now() + timeoutMs;
  const spinUntil = performance.now() + SPIN_MS;
  for (let idle = 0.02; ; idle = Math.min(idle * 2, MAX_POLL_IDLE_MS)) {
    let result;
    try {
      result = waitpid(tid, __WALL | WNOHANG);
    } catch (e) {
      if (isSyscallError(e, 'ECHILD')) return { kind: 'gone', how: 'is no longer traced by amber' };
      throw e;
    }
    if (result !== null) return classify(result.status);
    if (Date.now() > deadline) throw new AmberError(`${describeTask(pid, tid)}: did not stop within ${timeoutMs} ms`);
    if (performance.now() < spinUntil) {
      idle = 0.01;
      continue;
    }
    pause(idle);
  }
}

/** Turns a failed ptrace request into a one-line AmberError about the task. */
export function ptraceFailure(pid: Pid, tid: Tid, what: string, e: unknown): Error {
  if (isSyscallError(e, 'ESRCH')) return new AmberError(`${describeTask(pid, tid)}: exited or is not stopped (${what})`);
  if (isSyscallError(e, 'EPERM')) return new AmberError(`${describeTask(pid, tid)}: amber may not trace it (${what}: EPERM)`);
  if (isSyscallError(e)) return new AmberError(`${describeTask(pid, tid)}: ${what} failed: ${e.code}`);
  return e instanceof Error ? e : new Error(String(e));
}

/** Runs one ptrace step, reporting failure as an AmberError about the task. */
export function traceStep<T>(pid: Pid, tid: Tid, what: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw ptraceFailure(pid, tid, what, e);
  }
}

function isZombie(pid: Pid, tid: Tid): boolean {
  try {
    return /^State:\s*Z/m.test(fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

function seizeWithOptions(tid: Tid): void {
  try {
    // Injected syscalls must not meet the task's own seccomp filter.
    ptrace.seize(tid, PTRACE_O_TRACESYSGOOD | PTRACE_O_SUSPEND_SECCOMP);
  } catch (e) {
    // PTRACE_O_SUSPEND_SECCOMP needs CAP_SYS_ADMIN and CONFIG_CHECKPOINT_RESTORE.
    if (!isSyscallError(e, 'EPERM') && !isSyscallError(e, 'EINVAL')) throw e;
    ptrace.seize(tid, PTRACE_O_TRACESYSGOOD);
  }
}

/**
 * Seizes a thread and brings it to a PTRACE_EVENT_STOP. A signal that was
 * already on its way is delivered first, as it would have been without us.
 */
export function seizeAndStop(pid: Pid, tid: Tid): void {
  if (!Number.isInteger(tid) || tid <= 0 || !fs.existsSync(`/proc/${pid}/task/${tid}`)) {
    throw new AmberError(`${describeTask(pid, tid)}: no such task`);
  }
  try {
    seizeWithOptions(tid);
  } catch (e) {
    // The kernel refuses to attach to a zombie with EPERM, like to a task amber may not trace.
    if (isSyscallError(e, 'EPERM') && isZombie(pid, tid)) throw new AmberError(`${describeTask(pid, tid)}: has already exited`);
    throw ptraceFailure(pid, tid, 'PTRACE_SEIZE', e);
  }
  try {
    traceStep(pid, tid, 'PTRACE_INTERRUPT', () => ptrace.interrupt(tid));
    for (;;) {
      const stop = waitForStop(pid, tid);
      if (stop.kind === 'event-stop') return;
      if (stop.kind === 'gone') throw new AmberError(`${describeTask(pid, tid)}: ${stop.how} while being stopped`);
      const signal = stop.kind === 'signal' ? stop.signal : 0;
      traceStep(pid, tid, 'PTRACE_CONT', () => ptrace.cont(tid, signal));
    }
  } catch (e) {
    release(pid, tid);
    throw e;
  }
}

/** How long to wait for a dead or running tracee to report before giving up on it. */
const RELEASE_TIMEOUT_MS = 2000;

/**
 * Detaches from a thread and lets it run, wherever it is. A thread that is
 * running is stopped first (PTRACE_DETACH needs a stop); a thread that died
 * stays a zombie until its tracer has seen it exit, so that notification is
 * collected here. A signal found in a signal-delivery-stop is passed on.
 */
export function release(pid: Pid, tid: Tid): void {
  try {
    ptrace.detach(tid, 0);
    return;
  } catch (e) {
    if (!isSyscallError(e, 'ESRCH')) throw e;
  }
  try {
    ptrace.interrupt(tid);
  } catch (e) {
    if (!isSyscallError(e, 'ESRCH')) throw e;
  }
  const stop = waitForStop(pid, tid, RELEASE_TIMEOUT_MS);
  if (stop.kind !== 'gone') ptrace.detach(tid, stop.kind === 'signal' ? stop.signal : 0);
}
