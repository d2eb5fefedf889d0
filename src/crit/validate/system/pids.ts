/** Restore gives every task and thread its old id, so none may be in use here, and each must fit under pid_max. */
import * as fs from 'node:fs';
import { threadIdOf } from '../../../model';
import { PSTREE } from '../../../model/image-names';
import { readPidMax } from '../../../proc/sysctl';
import type { CheckContext } from '../context';
import { error, type Finding } from '../findings';

/** What runs as `id` now, or undefined when the id is free. */
function holder(id: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${id}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function checkIdsAreFree(context: CheckContext): Finding[] {
  const limit = readPidMax();
  return context.checkpoint.tasks.flatMap((task, entry) =>
    task.threads.flatMap((thread) => {
      const id = threadIdOf(task, thread);
      const field = id === task.pid ? 'pid' : 'threads';
      if (id >= limit) return [error(PSTREE, `${field === 'pid' ? 'pid' : 'thread'} ${id} is not below this system's pid_max (${limit})`, { entry, field })];
      const comm = holder(id);
      return comm === undefined ? [] : [error(PSTREE, `${field === 'pid' ? 'pid' : 'thread'} ${id} is in use here (by ${comm})`, { entry, field })];
    }),
  );
}
