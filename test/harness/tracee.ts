/** What inject tests look at in a traced thread: its registers and the maps of its process, before and after. */
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { InjectionSession } from '../../src/sys/inject';
import * as ptrace from '../../src/sys/ptrace';
import { type GpRegs, parseGpRegs } from '../../src/sys/regs';
import { release, seizeAndStop } from '../../src/sys/thread-stop';
import { asPid, asTid } from '../../src/sys/types';

export interface ThreadSnapshot {
  regs: GpRegs;
  xstate: Buffer;
  maps: string;
}

function snapshot(pid: number, tid: number): ThreadSnapshot {
  return {
    regs: parseGpRegs(ptrace.getRegs(asTid(tid))),
    xstate: ptrace.getXstate(asTid(tid)),
    maps: fs.readFileSync(`/proc/${pid}/maps`, 'utf8'),
  };
}

/**
 * How the thread goes on after the session: detached right away, or first
 * resumed while still traced (PTRACE_CONT), which is what a tracer that has
 * more to do with it would do.
 */
export type Resumption = 'detach' | 'cont';

/**
 * Stops a thread, injects with `use`, and returns its result with snapshots
 * taken just before and after the session. With 'cont', the thread is let
 * run until it blocks again, then stopped once more to detach.
 */
export async function injectAndSnapshot<T>(
  pid: number,
  tid: number,
  use: (session: InjectionSession) => T,
  resumption: Resumption = 'detach',
): Promise<{ result: T; before: ThreadSnapshot; after: ThreadSnapshot }> {
  seizeAndStop(asPid(pid), asTid(tid));
  try {
    const before = snapshot(pid, tid);
    const session = InjectionSession.open(asPid(pid), asTid(tid));
    let result: T;
    try {
      result = use(session);
    } finally {
      session.close();
    }
    const after = snapshot(pid, tid);
    if (resumption === 'cont') {
      ptrace.cont(asTid(tid), 0);
      await untilBlocked(pid, tid);
    }
    return { result, before, after };
  } finally {
    release(asPid(pid), asTid(tid));
  }
}

/** The syscall a thread is blocked in, from /proc/PID/task/TID/syscall, or null while it runs. */
export function blockedSyscall(pid: number, tid: number): number | null {
  const first = fs.readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'utf8').split(' ')[0].trim();
  return /^\d+$/.test(first) ? Number(first) : null;
}

/** Waits until the thread sleeps inside a syscall. */
export async function untilBlocked(pid: number, tid: number, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const nr = blockedSyscall(pid, tid);
    const state = /^State:\s*(\S)/m.exec(fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'))?.[1];
    if (nr !== null && state === 'S') return nr;
    if (Date.now() > deadline) throw new Error(`thread ${tid} of ${pid} did not block in a syscall within ${timeoutMs} ms`);
    await sleep(5);
  }
}
