/**
 * A task's POSIX timers (timer_create(2)): which exist, on which clock and
 * whom they notify from /proc/PID/timers; their current setting and overrun
 * count by injected timer_gettime and timer_getoverrun, which only the
 * task itself can call.
 */
import type { PosixTimer } from '../model';
import { readTimers, type PosixTimer as ListedTimer } from '../proc/timers';
import type { InjectionSession } from '../sys/inject';
import { Syscall } from '../sys/syscall-numbers';
import { ITIMERSPEC_SIZE, parseItimerspec, SignalEventNotify } from '../sys/timer-structs';
import type { Pid } from '../sys/types';

const NOTIFY_KINDS: Record<ListedTimer['notify'], SignalEventNotify> = {
  signal: SignalEventNotify.Signal,
  none: SignalEventNotify.None,
  thread: SignalEventNotify.Thread,
};

/** sigev_notify as the task passed it: /proc shows SIGEV_THREAD_ID as a "tid." target. */
function notifyOf(timer: ListedTimer): number {
  return NOTIFY_KINDS[timer.notify] | (timer.target.kind === 'tid' ? SignalEventNotify.ThreadId : 0);
}

/** Every POSIX timer of the task, by id; `session` runs in one of its threads. */
export function dumpPosixTimers(pid: Pid, session: InjectionSession): PosixTimer[] {
  const listed = readTimers(pid).sort((a, b) => a.id - b.id);
  if (listed.length === 0) return [];
  const scratch = session.scratch();
  return listed.map((timer) => {
    session.check(Syscall.TimerGettime, BigInt(timer.id), scratch.address);
    const setting = parseItimerspec(scratch.read(0, ITIMERSPEC_SIZE));
    return {
      id: timer.id,
      clock: timer.clockId,
      signal: timer.signal,
      notify: notifyOf(timer),
      value: timer.value,
      overrun: Number(session.check(Syscall.TimerGetoverrun, BigInt(timer.id))),
      interval: setting.interval,
      remaining: setting.value,
      notifyThread: timer.target.kind === 'tid' ? timer.target.id : undefined,
    };
  });
}
