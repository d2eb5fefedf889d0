/** A thread's scheduling policy, real-time priority and nice value, set with sched_setattr(2) while amber still may (CAP_SYS_NICE). */
import { AmberError } from '../errors';
import type { Thread } from '../model';
import { isSyscallError } from '../sys/native';
import { schedSetattr } from '../sys/process';
import type { Pid } from '../sys/types';
import type { RemoteTask } from './remote-task';

const SCHED_OTHER = 0;

export function restoreScheduling(thread: Thread, remote: RemoteTask): void {
  const core = thread.core;
  if (core === undefined || (core.schedulingPolicy === undefined && core.nice === undefined)) return;
  const policy = core.schedulingPolicy ?? SCHED_OTHER;
  const attr = { policy, flags: 0n, nice: core.nice ?? 0, priority: core.schedulingPriority ?? 0, runtime: 0n, deadline: 0n, period: 0n, utilMin: 0, utilMax: 0 };
  try {
    schedSetattr(remote.tid as number as Pid, attr);
  } catch (e) {
    if (!isSyscallError(e)) throw e;
    throw new AmberError(`${remote.name}: cannot set its scheduling policy ${policy} and nice value ${attr.nice}: ${e.code}`);
  }
}
