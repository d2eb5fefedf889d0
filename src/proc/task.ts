/** Threads and children of a process: /proc/PID/task/ and /proc/PID/task/TID/children (proc(5)). */
import * as fs from 'node:fs';
import { asTid } from '../sys/types';
import { pid } from './fields';
import { atLine, fileError } from './lines';
import { type Pid, procPath, type Tid } from './types';

/** The thread ids among the entries of a task directory, in increasing order. */
export function parseTaskIds(entries: readonly string[], dir = '/proc/PID/task'): Tid[] {
  const tids = entries.map((entry) => {
    if (!/^[0-9]+$/.test(entry)) throw fileError(dir, `entry "${entry}" is not a thread id`);
    return asTid(Number(entry));
  });
  return tids.sort((a, b) => a - b);
}

export function readTaskIds(pid: Pid): Tid[] {
  const dir = procPath(pid, 'task');
  return parseTaskIds(fs.readdirSync(dir), dir);
}

/** Parses a children file: "123 456 " (children whose parent is this thread; needs CONFIG_PROC_CHILDREN). */
export function parseChildren(text: string, file = '/proc/PID/task/TID/children'): Pid[] {
  return atLine(file, 1, () => text.split(' ').filter((token) => token !== '').map((token) => pid(token, 'pid')));
}

/** The children one thread created, oldest first. */
export function readThreadChildren(pid: Pid, tid: Tid): Pid[] {
  const file = procPath(pid, 'task', String(tid), 'children');
  return parseChildren(fs.readFileSync(file, 'utf8'), file);
}

/** The children of every thread of a process. */
export function readChildren(pid: Pid): Pid[] {
  return readTaskIds(pid).flatMap((tid) => readThreadChildren(pid, tid));
}

/**
 * A process and its descendants as /proc shows them at this moment, for an
 * estimate: a running tree may change meanwhile, and a task that is gone
 * by the time it is read is left out with its children.
 */
export function readDescendantsNow(root: Pid): Pid[] {
  const found: Pid[] = [];
  const queue = [root];
  for (let next = 0; next < queue.length; next++) {
    try {
      queue.push(...readChildren(queue[next]));
      found.push(queue[next]);
    } catch {
      // It exited while being read, or /proc does not show it to us.
    }
  }
  return found;
}
