/** waitpid/waitid and the decoding of wait status words (wait(2), ptrace(2) "Stopped states"). */
import { ChildCode, PTRACE_EVENT_STOP, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, WaitIdType } from './constants';
import { native } from './native';
import type { Tid } from './types';

export type WaitStatus =
  | { kind: 'exited'; code: number }
  | { kind: 'signaled'; signal: number; coreDumped: boolean }
  | {
      kind: 'stopped';
      /** The stop signal; SIGTRAP|0x80 for syscall stops under PTRACE_O_TRACESYSGOOD. */
      signal: number;
      /** PTRACE_EVENT_* or 0. */
      ptraceEvent: number;
      /** A group-stop seen by a PTRACE_SEIZE tracer (PTRACE_EVENT_STOP with a stopping signal). */
      groupStop: boolean;
    }
  | { kind: 'continued' };

const STOPPING_SIGNALS = new Set([SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]);

/** Decodes a status word as the W* macros of <sys/wait.h> do. */
export function decodeWaitStatus(status: number): WaitStatus {
  const low = status & 0x7f;
  if (low === 0) return { kind: 'exited', code: (status >> 8) & 0xff };
  if ((status & 0xff) === 0x7f) {
    const signal = (status >> 8) & 0xff;
    const ptraceEvent = (status >>> 16) & 0xff;
    const groupStop = ptraceEvent === PTRACE_EVENT_STOP && STOPPING_SIGNALS.has(signal);
    return { kind: 'stopped', signal, ptraceEvent, groupStop };
  }
  if (status === 0xffff) return { kind: 'continued' };
  return { kind: 'signaled', signal: low, coreDumped: (status & 0x80) !== 0 };
}

export interface WaitResult {
  tid: Tid;
  /** The undecoded status word. */
  raw: number;
  status: WaitStatus;
}

/** wait4(pid, ...); null when WNOHANG found nothing. Pass __WALL to see threads and clone children. */
export function waitpid(pid: number, options: number): WaitResult | null {
  const result = native().waitpid(pid, options);
  return result === null ? null : { tid: result.pid as Tid, raw: result.status, status: decodeWaitStatus(result.status) };
}

export interface WaitidResult {
  tid: Tid;
  uid: number;
  code: ChildCode;
  /** Exit code for Exited, the signal otherwise. */
  status: number;
}

/** waitid(idType, id, ...); null when WNOHANG found nothing. */
export function waitid(idType: WaitIdType, id: number, options: number): WaitidResult | null {
  const result = native().waitid(idType, id, options);
  return result === null ? null : { tid: result.pid as Tid, uid: result.uid, code: result.code, status: result.status };
}
