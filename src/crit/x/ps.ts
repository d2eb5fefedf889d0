import { AmberError } from '../../errors';
import type { ImageDir } from './image-dir';
import { readTasks, type Task } from './tasks';

const COLUMN = 7;
const INDENT = '    ';

/** The process tree: pid, process group, session and name, children indented under parents. */
export async function explorePs(images: ImageDir): Promise<string[]> {
  const tasks = await readTasks(images);
  const children = new Map<number, Task[]>();
  const roots: Task[] = [];
  const known = new Set<number>();
  for (const task of tasks) {
    if (known.has(task.pid)) throw new AmberError(`${images.path('pstree.img')}: task ${task.pid} is listed twice`);
    known.add(task.pid);
  }
  for (const task of tasks) {
    if (task.ppid === 0) {
      roots.push(task);
      continue;
    }
    if (!known.has(task.ppid)) {
      throw new AmberError(`${images.path('pstree.img')}: task ${task.pid} has parent ${task.ppid}, which is not in the tree`);
    }
    const siblings = children.get(task.ppid) ?? [];
    siblings.push(task);
    children.set(task.ppid, siblings);
  }
  const lines = [row('PID', 'PGID', 'SID', 'COMM')];
  const show = (task: Task, depth: number): void => {
    lines.push(row(task.pid, task.pgid, task.sid, INDENT.repeat(depth) + task.comm));
    for (const child of children.get(task.pid) ?? []) show(child, depth + 1);
  };
  for (const root of roots) show(root, 0);
  return lines;
}

function row(pid: number | string, pgid: number | string, sid: number | string, comm: string): string {
  return [pid, pgid, sid].map((v) => String(v).padStart(COLUMN)).join('') + '   ' + comm;
}
