/**
 * Pending signals, queued again in the order the dump found them, each by
 * the task itself: rt_sigqueueinfo(2) lets a process queue a signal with
 * any siginfo to itself (the process-wide queue, from the main thread,
 * whose tid is the process id the kernel compares with) and
 * rt_tgsigqueueinfo lets a thread do so to itself (its own queue). So the
 * receiver finds si_code, si_pid, si_uid and si_value as they were; a
 * standard signal pending once is queued once, real-time ones keep their
 * count and order.
 *
 * A signal that a thread does not block would be delivered on the way out
 * of the next syscall amber injects, which drops it. So from holdSignals
 * on, while timers get armed and signals queued, every thread blocks
 * everything, and releaseSignals gives each its own mask once amber has
 * run the last syscall in the task.
 */
import { AmberError } from '../errors';
import { blockedSignals, type QueuedSignal, type Thread } from '../model';
import * as ptrace from '../sys/ptrace';
import { Syscall } from '../sys/syscall-numbers';
import type { RestoringTask } from './context';
import type { RemoteTask } from './remote-task';
import { writeArguments } from './scratch-layout';

/** Every signal; PTRACE_SETSIGMASK leaves SIGKILL and SIGSTOP out by itself. */
const EVERY_SIGNAL = (1n << 64n) - 1n;
const SIGINFO_SIZE = 128;

/** The task's threads as the image lists them, each with the RemoteTask that drives it. */
function threadsOf(task: RestoringTask): { remote: RemoteTask; thread: Thread }[] {
  const remotes = [task.main, ...task.threads];
  return task.task.threads.map((thread, i) => ({ remote: remotes[i], thread }));
}

/** Blocks every signal in every thread of the task until releaseSignals. */
export function holdSignals(task: RestoringTask): void {
  for (const { remote } of threadsOf(task)) ptrace.setSigmask(remote.tid, EVERY_SIGNAL);
}

/** Queues one pending signal from `remote`: for the whole process (from the main thread), or for `remote` alone. */
function queue(task: RestoringTask, remote: RemoteTask, { siginfo }: QueuedSignal, target: 'process' | 'thread'): void {
  if (siginfo.length !== SIGINFO_SIZE) throw new AmberError(`${remote.name}: a pending signal's siginfo has ${siginfo.length} bytes, not ${SIGINFO_SIZE}`);
  const signal = BigInt(siginfo.readInt32LE(0));
  const [info] = writeArguments(task.scratch, siginfo);
  const pid = BigInt(task.task.pid);
  if (target === 'process') remote.check(`queueing pending signal ${signal}`, Syscall.RtSigqueueinfo, pid, signal, info);
  else remote.check(`queueing its own pending signal ${signal}`, Syscall.RtTgsigqueueinfo, pid, BigInt(remote.tid), signal, info);
}

/** Queues the task's pending signals again, process-wide and per thread; call after holdSignals. */
export function queuePendingSignals(task: RestoringTask): void {
  for (const signal of task.task.process.pendingSignals) queue(task, task.main, signal, 'process');
  for (const { remote, thread } of threadsOf(task)) {
    for (const signal of thread.core?.pendingSignals ?? []) queue(task, remote, signal, 'thread');
  }
}

/** Gives every thread its own signal mask back; call after the last syscall amber injects into the task. */
export function releaseSignals(task: RestoringTask): void {
  for (const { remote, thread } of threadsOf(task)) ptrace.setSigmask(remote.tid, blockedSignals(task.task, thread.tid));
}
