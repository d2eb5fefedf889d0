/**
 * State a task can only tell about itself, read by injected syscalls: signal
 * handlers, the alternate signal stack, interval timers and prctl flags.
 * Buffers live in the session's scratch page.
 */
import type { InjectionSession } from './inject';
import { SIGKILL, SIGSTOP } from './constants';
import { Syscall } from './syscall-numbers';
import type { Address } from './types';

/** The highest signal number on x86_64 (_NSIG). */
const LAST_SIGNAL = 64;
const SIGSET_SIZE = 8n;

/** struct sigaction as the kernel keeps it (rt_sigaction(2), x86_64: four 8-byte fields). */
export interface SignalAction {
  /** SIG_DFL (0), SIG_IGN (1) or the handler's address. */
  handler: Address;
  flags: bigint;
  restorer: Address;
  mask: bigint;
}

/** Bit N-1 set for every signal N. */
const EVERY_SIGNAL = (1n << BigInt(LAST_SIGNAL)) - 1n;
/** The action of a signal never changed: SIG_DFL, no flags, no mask. */
const UNCHANGED: SignalAction = { handler: 0n, flags: 0n, restorer: 0n, mask: 0n };

/**
 * Every signal's action, by signal number (SIGKILL and SIGSTOP have none).
 * Only the signals in `asked` (bit N-1 for signal N) cost an injected
 * syscall; the others are taken as never changed.
 */
export function readSignalActions(session: InjectionSession, asked = EVERY_SIGNAL): Map<number, SignalAction> {
  const scratch = session.scratch();
  const actions = new Map<number, SignalAction>();
  for (let signal = 1; signal <= LAST_SIGNAL; signal++) {
    if (signal === SIGKILL || signal === SIGSTOP) continue;
    if ((asked & (1n << BigInt(signal - 1))) === 0n) {
      actions.set(signal, UNCHANGED);
      continue;
    }
    session.check(Syscall.RtSigaction, BigInt(signal), 0n, scratch.address, SIGSET_SIZE);
    const raw = scratch.read(0, 32);
    actions.set(signal, {
      handler: raw.readBigUInt64LE(0),
      flags: raw.readBigUInt64LE(8),
      restorer: raw.readBigUInt64LE(16),
      mask: raw.readBigUInt64LE(24),
    });
  }
  return actions;
}

/** stack_t (sigaltstack(2)). */
export interface AltStack {
  base: Address;
  /** SS_ONSTACK (1), SS_DISABLE (2), possibly with SS_AUTODISARM. */
  flags: number;
  size: bigint;
}

export function readAltStack(session: InjectionSession): AltStack {
  const scratch = session.scratch();
  session.check(Syscall.Sigaltstack, 0n, scratch.address);
  const raw = scratch.read(0, 24);
  return { base: raw.readBigUInt64LE(0), flags: raw.readInt32LE(8), size: raw.readBigUInt64LE(16) };
}

/** One interval timer in microseconds (getitimer(2)). */
export interface IntervalTimer {
  intervalUs: bigint;
  valueUs: bigint;
}

export interface IntervalTimers {
  real: IntervalTimer;
  virtual: IntervalTimer;
  prof: IntervalTimer;
}

function readTimeval(raw: Buffer, offset: number): bigint {
  return raw.readBigInt64LE(offset) * 1_000_000n + raw.readBigInt64LE(offset + 8);
}

export function readIntervalTimers(session: InjectionSession): IntervalTimers {
  const scratch = session.scratch();
  const read = (which: bigint): IntervalTimer => {
    session.check(Syscall.Getitimer, which, scratch.address);
    const raw = scratch.read(0, 32);
    return { intervalUs: readTimeval(raw, 0), valueUs: readTimeval(raw, 16) };
  };
  return { real: read(0n), virtual: read(1n), prof: read(2n) };
}

/** prctl(2) option numbers (<linux/prctl.h>). */
enum Prctl {
  GetPdeathsig = 2,
  GetDumpable = 3,
  GetName = 16,
  GetChildSubreaper = 37,
  GetTidAddress = 40,
}

const TASK_COMM_LEN = 16;

/** The prctl(2) values no /proc file shows. */
export interface PrctlState {
  dumpable: number;
  /** Signal sent when the parent dies; 0 for none. */
  pdeathsig: number;
  childSubreaper: boolean;
  /** clear_child_tid (set_tid_address(2)). */
  tidAddress: Address;
}

/** The value prctl `option` writes to the scratch memory, `length` bytes of it. */
function prctlOutput(session: InjectionSession, option: Prctl, length: number): Buffer {
  const scratch = session.scratch();
  session.check(Syscall.Prctl, BigInt(option), scratch.address);
  return scratch.read(0, length);
}

export function readPrctlState(session: InjectionSession): PrctlState {
  return {
    dumpable: Number(session.check(Syscall.Prctl, BigInt(Prctl.GetDumpable))),
    pdeathsig: prctlOutput(session, Prctl.GetPdeathsig, 4).readInt32LE(0),
    childSubreaper: prctlOutput(session, Prctl.GetChildSubreaper, 4).readInt32LE(0) !== 0,
    tidAddress: prctlOutput(session, Prctl.GetTidAddress, 8).readBigUInt64LE(0),
  };
}

/** The thread's name as it reports it (PR_GET_NAME); /proc/PID/task/TID/comm shows the same from outside. */
export function readThreadName(session: InjectionSession): string {
  const name = prctlOutput(session, Prctl.GetName, TASK_COMM_LEN);
  return name.subarray(0, name.indexOf(0) < 0 ? TASK_COMM_LEN : name.indexOf(0)).toString('latin1');
}
