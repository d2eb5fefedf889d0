/**
 * Per-thread state read by syscall injection beyond src/sys/task-query.ts:
 * the program break, the securebits and the THP-disable flag.
 */
import type { InjectionSession } from '../sys/inject';
import { Syscall } from '../sys/syscall-numbers';
import type { Address } from '../sys/types';

const PR_GET_SECUREBITS = 27;
const PR_GET_THP_DISABLE = 42;

/** brk(0) changes nothing and returns the current break. */
export function readProgramBreak(session: InjectionSession): Address {
  return session.check(Syscall.Brk, 0n);
}

export function readSecurebits(session: InjectionSession): number {
  return Number(session.check(Syscall.Prctl, BigInt(PR_GET_SECUREBITS)));
}

/** prctl(PR_SET_THP_DISABLE) state of the task. */
export function readThpDisabled(session: InjectionSession): boolean {
  return session.check(Syscall.Prctl, BigInt(PR_GET_THP_DISABLE)) !== 0n;
}
