import type { ImageDir } from './image-dir';
import type { CoreEntry, Pid, PstreeEntry } from './entries';

/** `tc.task_state` of a task that had exited but was not yet reaped. */
const TASK_DEAD = 2;

/** One process of the checkpoint, as pstree.img and its core image tell. */
export interface Task {
  pid: Pid;
  ppid: Pid;
  pgid: Pid;
  sid: Pid;
  comm: string;
  /** A zombie: it has a core image but no memory, fd table or fs images. */
  zombie: boolean;
}

/** The tasks in pstree.img order. */
export async function readTasks(images: ImageDir): Promise<Task[]> {
  const tree = await images.entriesWith<PstreeEntry>('pstree.img', ['pid', 'ppid', 'pgid', 'sid']);
  return Promise.all(
    tree.map(async ({ pid, ppid, pgid, sid }) => {
      const core = await images.first<CoreEntry>(`core-${pid}.img`);
      return { pid, ppid, pgid, sid, comm: core.tc?.comm ?? '', zombie: core.tc?.task_state === TASK_DEAD };
    }),
  );
}

/**
 * Lists one block per task: its pid on a line of its own, then the lines
 * `describe` gives. A zombie owns no resources, so its block is the pid alone.
 */
export async function perTask(images: ImageDir, describe: (pid: Pid) => Promise<string[]>): Promise<string[]> {
  const lines: string[] = [];
  for (const task of await readTasks(images)) {
    lines.push(String(task.pid));
    if (task.zombie) continue;
    for (const line of await describe(task.pid)) lines.push(line);
  }
  return lines;
}
