/**
 * Every task and thread gets its old id back through clone3's set_tid, which
 * the kernel refuses with a bare EINVAL for an id at or above pid_max
 * (clone(2)). Checked before anything is created, so the error can say why.
 */
import { AmberError } from '../errors';
import { threadIdOf, type Checkpoint } from '../model';
import { readPidMax } from '../proc/sysctl';

export function checkIdsBelowPidMax(checkpoint: Checkpoint): void {
  const pidMax = readPidMax();
  for (const task of checkpoint.tasks) {
    for (const thread of task.threads) {
      const id = threadIdOf(task, thread);
      if (id >= pidMax) {
        throw new AmberError(`task ${task.pid}: cannot take ${id === task.pid ? 'pid' : 'tid'} ${id}: it is not below this host's pid_max (${pidMax}; see /proc/sys/kernel/pid_max)`);
      }
    }
  }
}
