/**
 * A task's core state apart from registers: signal dispositions,
 * personality and process flags, limits, interval timers, and per thread
 * its name, signal mask, alternate signal stack, clear-tid address, robust
 * futex list and rseq area.
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import { blockedSignals, type IntervalTimer, type SignalAction, type Thread } from '../model';
import { readStatus } from '../proc/status';
import { SIGCHLD, SIGKILL, SIGSTOP } from '../sys/constants';
import * as ptrace from '../sys/ptrace';
import { Syscall } from '../sys/syscall-numbers';
import type { RestoringTask } from './context';
import { restoreLimits } from './limits';
import { restorePosixTimers } from './posix-timers';
import type { RemoteTask } from './remote-task';
import { cString, writeArguments } from './scratch-layout';
import { holdSignals, queuePendingSignals } from './signals';

const PR_SET_NAME = 15;
const PR_SET_CHILD_SUBREAPER = 36;
/** struct sigaction as the kernel takes it: handler, flags, restorer, mask. */
const KERNEL_SIGACTION_SIZE = 32;
const SIGSET_SIZE = 8n;
const HIGHEST_SIGNAL = 64;
const ITIMERS = ['real', 'virtual', 'profiling'] as const;
const RSEQ_REGISTER = 0n;

/** Signal numbers in the order the image lists their dispositions: 1 to 64 without SIGKILL and SIGSTOP. */
function signalsInImageOrder(): number[] {
  return Array.from({ length: HIGHEST_SIGNAL }, (_, i) => i + 1).filter((signal) => signal !== SIGKILL && signal !== SIGSTOP);
}

const isDefaultAction = (action: SignalAction | undefined): boolean =>
  action === undefined || (action.handler === 0n && action.flags === 0n && action.restorer === 0n && action.mask === 0n);

/**
 * Signals the new task catches or ignores now (it began with amber's own
 * dispositions), and SIGCHLD, whose SA_NOCLDWAIT counts even with SIG_DFL
 * (sigaction(2)): any other signal already has the default action.
 */
function signalsNotDefault(task: RestoringTask): bigint {
  const status = readStatus(task.main.pid);
  return status.sigIgn | status.sigCgt | (1n << BigInt(SIGCHLD - 1));
}

/** Every disposition as the image has it; one it does not list is the default, never amber's own. */
function restoreSignalActions(task: RestoringTask): void {
  const actions = task.task.process.signalActions;
  const signals = signalsInImageOrder();
  if (actions.length > signals.length) throw new AmberError(`task ${task.task.pid}: has more signal dispositions than signals`);
  const notDefault = signalsNotDefault(task);
  signals.forEach((signal, i) => {
    const action = actions.at(i);
    if (isDefaultAction(action) && (notDefault & (1n << BigInt(signal - 1))) === 0n) return;
    const raw = Buffer.alloc(KERNEL_SIGACTION_SIZE);
    if (action !== undefined) {
      raw.writeBigUInt64LE(action.handler, 0);
      raw.writeBigUInt64LE(action.flags, 8);
      raw.writeBigUInt64LE(action.restorer, 16);
      raw.writeBigUInt64LE(action.mask, 24);
    }
    const [address] = writeArguments(task.scratch, raw);
    task.main.check(`setting the action of signal ${signal}`, Syscall.RtSigaction, BigInt(signal), address, 0n, SIGSET_SIZE);
  });
}

function timerIsSet(timer: IntervalTimer): boolean {
  return [timer.interval.seconds, timer.interval.microseconds, timer.remaining.seconds, timer.remaining.microseconds].some((value) => value !== 0n);
}

function restoreIntervalTimers(task: RestoringTask): void {
  const timers = task.task.process.timers;
  if (timers === undefined) return;
  ITIMERS.forEach((name, which) => {
    const timer = timers[name];
    if (!timerIsSet(timer)) return;
    const value = Buffer.alloc(32);
    [timer.interval.seconds, timer.interval.microseconds, timer.remaining.seconds, timer.remaining.microseconds].forEach((word, i) => value.writeBigInt64LE(word, 8 * i));
    const [address] = writeArguments(task.scratch, value);
    task.main.check(`setting its ${name} interval timer`, Syscall.Setitimer, BigInt(which), address, 0n);
  });
}

/** `main` is the thread's own RemoteTask: these calls act on the calling thread. */
function restoreThreadCore(task: RestoringTask, thread: Thread, main: RemoteTask): void {
  ptrace.setSigmask(main.tid, blockedSignals(task.task, thread.tid));
  const core = thread.core;
  const name = core?.name ?? (main.tid === task.main.tid ? task.task.process.name : undefined);
  if (name !== undefined) {
    const [address] = writeArguments(task.scratch, cString(name));
    main.check('setting its name', Syscall.Prctl, BigInt(PR_SET_NAME), address);
  }
  if (core === undefined) return;
  if (core.signalStack !== undefined) {
    const stack = Buffer.alloc(24);
    stack.writeBigUInt64LE(core.signalStack.address, 0);
    stack.writeInt32LE(core.signalStack.flags, 8);
    stack.writeBigUInt64LE(core.signalStack.size, 16);
    const [address] = writeArguments(task.scratch, stack);
    main.check('setting its alternate signal stack', Syscall.Sigaltstack, address, 0n);
  }
  if (core.robustList !== 0n) main.check('setting its robust futex list', Syscall.SetRobustList, core.robustList, BigInt(core.robustListLength));
  if (core.rseq !== undefined && core.rseq.area !== 0n) {
    main.check('registering its rseq area', Syscall.Rseq, core.rseq.area, BigInt(core.rseq.size), RSEQ_REGISTER, BigInt(core.rseq.signature));
  }
  if (thread.cpu !== undefined) main.check('setting its clear-tid address', Syscall.SetTidAddress, thread.cpu.clearTidAddress);
}

/** Personality, child-subreaper flag and OOM score adjustment. */
function restoreProcessFlags(task: RestoringTask): void {
  const { personality, childSubreaper, oomScoreAdjust } = task.task.process;
  task.main.check('setting its personality', Syscall.Personality, BigInt(personality));
  if (childSubreaper === true) task.main.check('making it a child subreaper', Syscall.Prctl, BigInt(PR_SET_CHILD_SUBREAPER), 1n);
  if (oomScoreAdjust !== undefined) fs.writeFileSync(`/proc/${task.task.pid}/oom_score_adj`, String(oomScoreAdjust));
}

export function restoreCore(task: RestoringTask): void {
  restoreSignalActions(task);
  restoreProcessFlags(task);
  restoreLimits(task);
  const remotes = [task.main, ...task.threads];
  task.task.threads.forEach((thread, i) => restoreThreadCore(task, thread, remotes[i]));
  // From here until amber lets the task go, its signals wait for it (see signals.ts): the queued ones and its timers'.
  holdSignals(task);
  queuePendingSignals(task);
  restoreIntervalTimers(task);
  restorePosixTimers(task);
}
