/** Process-wide state from the main thread's core image (task_core_entry). */
import { bigInteger, boolean, bytes, integer, namedNumber, optional, text } from './codecs';
import { field, group, inline, messages, optionalGroup, type Codec, type Modeled, type Rules } from './fields';
import type { Address, SignalSet } from './ids';
import { timeSpecRules, timeValueRules, type TimeSpec, type TimeValue } from './time';

/** CRIU's task states; a zombie is stored as 'dead'. */
export type TaskState = 'alive' | 'dead' | 'stopped' | 'helper' | 'thread' | 'zombie';

const TASK_STATES: Record<TaskState, number> = { alive: 1, dead: 2, stopped: 3, helper: 4, thread: 5, zombie: 6 };

/** One setitimer(2) timer. */
export interface IntervalTimer {
  interval: TimeValue;
  remaining: TimeValue;
}

/** One timer_create(2) timer. */
export interface PosixTimer extends Modeled {
  id: number;
  clock: number;
  signal: number;
  /** sigev_notify: SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID... */
  notify: number;
  /** sigev_value, handed to the signal handler. */
  value: bigint;
  overrun: number;
  interval: TimeSpec;
  remaining: TimeSpec;
  /** The thread signalled with SIGEV_THREAD_ID. */
  notifyThread: number | undefined;
}

export interface Timers {
  real: IntervalTimer;
  virtual: IntervalTimer;
  profiling: IntervalTimer;
  posix: PosixTimer[];
}

/** A queued signal: the raw 128-byte siginfo_t the kernel will deliver. */
export interface QueuedSignal extends Modeled {
  siginfo: Buffer;
}

/** One getrlimit(2) pair; RLIM_INFINITY is 2^64-1. */
export interface ResourceLimit extends Modeled {
  soft: bigint;
  hard: bigint;
}

/** One signal's disposition (struct sigaction). */
export interface SignalAction extends Modeled {
  /** SIG_DFL (0), SIG_IGN (1) or the handler's address. */
  handler: Address;
  flags: bigint;
  restorer: Address;
  mask: SignalSet;
}

export interface Process {
  state: TaskState;
  /** wait(2) status of a zombie: exit code << 8, or the killing signal. */
  exitStatus: number;
  personality: number;
  /** The kernel's PF_* task flags. */
  kernelFlags: number;
  /** The main thread's blocked signals. */
  blockedSignals: SignalSet;
  name: string;
  timers: Timers | undefined;
  /** Signals pending for the whole process. */
  pendingSignals: QueuedSignal[];
  /** Indexed by resource number (RLIMIT_CPU = 0, ...). */
  limits: ResourceLimit[];
  /** Signal dispositions, in CRIU's order (signals 1 to 64 without SIGKILL and SIGSTOP). */
  signalActions: SignalAction[];
  loginUid: number | undefined;
  oomScoreAdjust: number | undefined;
  childSubreaper: boolean | undefined;
}

/** A signal queue (signal_queue_entry.signals); thread_core has one too. */
export const queuedSignals = messages<QueuedSignal>({ siginfo: field('siginfo', bytes) });

const intervalTimerRules: Rules<IntervalTimer> = {
  interval: inline(timeValueRules('isec', 'iusec')),
  remaining: inline(timeValueRules('vsec', 'vusec')),
};

/**
 * CRIU stores a personality as the hex text of /proc/PID/personality read
 * as a decimal number (ADDR_NO_RANDOMIZE, 0x40000, becomes 40000), and its
 * restore leaves the value alone. amber writes it the same way, so that each
 * reads the other's images, and reads the digits back as hex. Linux's
 * personality flags are written with the digits 0-8 only, so none is lost;
 * a hex digit a-f ends the number, as it ends CRIU's reading.
 */
const personalityDigits: Codec<number> = {
  read: (value) => parseInt(String(integer.read(value)), 16),
  write: (value) => Number(/^\d*/.exec(value.toString(16).padStart(8, '0'))?.[0] || '0'),
};

/** Where the process-wide fields sit in the main thread's core entry. */
export const processRules: Rules<Process> = {
  state: field('task_state', namedNumber(TASK_STATES)),
  exitStatus: field('exit_code', integer),
  personality: field('personality', personalityDigits),
  kernelFlags: field('flags', integer),
  blockedSignals: field('blk_sigset', bigInteger),
  name: field('comm', text),
  timers: optionalGroup('timers', {
    real: group('real', intervalTimerRules),
    virtual: group('virt', intervalTimerRules),
    profiling: group('prof', intervalTimerRules),
    posix: field(
      'posix',
      messages<PosixTimer>({
        id: field('it_id', integer),
        clock: field('clock_id', integer),
        signal: field('si_signo', integer),
        notify: field('it_sigev_notify', integer),
        value: field('sival_ptr', bigInteger),
        overrun: field('overrun', integer),
        interval: inline(timeSpecRules('isec', 'insec')),
        remaining: inline(timeSpecRules('vsec', 'vnsec')),
        notifyThread: field('notify_thread_id', optional(integer)),
      }),
    ),
  }),
  pendingSignals: field('signals_s.signals', queuedSignals),
  limits: field('rlimits.rlimits', messages<ResourceLimit>({ soft: field('cur', bigInteger), hard: field('max', bigInteger) })),
  signalActions: field(
    'sigactions',
    messages<SignalAction>({
      handler: field('sigaction', bigInteger),
      flags: field('flags', bigInteger),
      restorer: field('restorer', bigInteger),
      mask: field('mask', bigInteger),
    }),
  ),
  loginUid: field('loginuid', optional(integer)),
  oomScoreAdjust: field('oom_score_adj', optional(integer)),
  childSubreaper: field('child_subreaper', optional(boolean)),
};
