/**
 * The process tree as pstree.img has it: each task's parent, process group
 * and session. A group or session led from outside the tree can only be
 * restored with --shell-job, which lets the restored tree join the caller's.
 */
import { AmberError } from '../errors';
import { readStat } from '../proc/stat';
import type { Pid } from '../sys/types';
import type { FrozenTask } from './freeze';

export interface TreePlace {
  pid: Pid;
  parent: Pid | undefined;
  pgid: Pid;
  sid: Pid;
}

export function treePlaces(tasks: readonly FrozenTask[], shellJob: boolean): TreePlace[] {
  const pids = new Set(tasks.map((task) => task.pid));
  return tasks.map((task) => {
    const stat = readStat(task.pid);
    const place = { pid: task.pid, parent: task.parent, pgid: stat.pgrp, sid: stat.session };
    if (!shellJob) {
      if (!pids.has(place.sid)) throw new AmberError(`task ${task.pid}: its session ${place.sid} is led from outside the tree (dump the leader, or use --shell-job)`);
      if (!pids.has(place.pgid)) throw new AmberError(`task ${task.pid}: its process group ${place.pgid} is led from outside the tree (dump the leader, or use --shell-job)`);
    }
    return place;
  });
}
