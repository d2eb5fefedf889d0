/**
 * The process tree: every parent in the tree and before its children,
 * sessions and groups led by a task that really leads them, and zombies
 * that are nothing but an exit status.
 */
import type { Pid, Task } from '../../../model';
import { coreImage, PSTREE } from '../../../model/image-names';
import { isZombie, type CheckContext } from '../context';
import { error, warning, type Finding } from '../findings';

type TreeIndex = ReadonlyMap<Pid, { task: Task; index: number }>;

function checkParent(task: Task, index: number, tree: TreeIndex): Finding[] {
  const place = { entry: index, field: 'ppid' };
  if (index === 0) return [];
  if (task.parent === undefined) return [error(PSTREE, `task ${task.pid} has no parent; only the first entry is the root`, place)];
  const parent = tree.get(task.parent);
  if (parent === undefined) return [error(PSTREE, `parent ${task.parent} of task ${task.pid} is not in the tree`, place)];
  if (parent.index > index) return [error(PSTREE, `parent ${task.parent} of task ${task.pid} comes later, at entry ${parent.index}; parents come first`, place)];
  if (isZombie(parent.task)) return [error(PSTREE, `parent ${task.parent} of task ${task.pid} is a zombie, which has no children`, place)];
  return [];
}

/** A session (or group) is either led by a task of the tree that leads it, or from outside, which only --shell-job restores. */
function checkLeaders(task: Task, index: number, tree: TreeIndex): Finding[] {
  const findings: Finding[] = [];
  const session = tree.get(task.sid)?.task;
  if (session === undefined) {
    findings.push(warning(PSTREE, `session ${task.sid} of task ${task.pid} is led from outside the tree: restore needs --shell-job`, { entry: index, field: 'sid' }));
  } else if (session.sid !== session.pid) {
    findings.push(error(PSTREE, `session ${task.sid} of task ${task.pid}: task ${session.pid} is in session ${session.sid}, so it leads none`, { entry: index, field: 'sid' }));
  }
  const group = tree.get(task.pgid)?.task;
  const place = { entry: index, field: 'pgid' };
  if (group === undefined) {
    findings.push(warning(PSTREE, `process group ${task.pgid} of task ${task.pid} is led from outside the tree: restore needs --shell-job`, place));
  } else if (group.pgid !== group.pid) {
    findings.push(error(PSTREE, `process group ${task.pgid} of task ${task.pid}: task ${group.pid} is in group ${group.pgid}, so it leads none`, place));
  } else if (group.sid !== task.sid) {
    findings.push(error(PSTREE, `process group ${task.pgid} is in session ${group.sid}, but its member ${task.pid} is in session ${task.sid}`, place));
  }
  return findings;
}

/** A zombie is one thread (tid 0) with an exit status; a live task has registers and thread state for each thread. */
function checkThreads(task: Task, index: number): Finding[] {
  if (!isZombie(task)) {
    return task.threads.flatMap((thread) => {
      const core = coreImage(task.pid, thread.tid);
      if (thread.tid === 0) return [error(PSTREE, `live task ${task.pid} lists thread 0, which only a zombie has`, { entry: index, field: 'threads' })];
      if (thread.cpu === undefined) return [error(core, `thread ${thread.tid} of live task ${task.pid} has no registers`, { entry: 0, field: 'thread_info' })];
      if (thread.core === undefined) return [error(core, `thread ${thread.tid} of live task ${task.pid} has no thread state`, { entry: 0, field: 'thread_core' })];
      return [];
    });
  }
  const findings: Finding[] = [];
  if (task.threads.length !== 1) findings.push(error(PSTREE, `zombie ${task.pid} lists ${task.threads.length} threads; a zombie has one`, { entry: index, field: 'threads' }));
  const core = coreImage(task.pid, task.pid);
  if (task.threads.some((thread) => thread.cpu !== undefined)) findings.push(warning(core, `zombie ${task.pid} has registers, which restore ignores`, { entry: 0, field: 'thread_info' }));
  return findings;
}

/** A task's own images that the model did not read: a zombie's, or those of a task the tree lacks. */
const TASK_IMAGE = /^(?:core|ids|mm|pagemap|fs)-(\d+)\.img$/;

function strayTaskImages(context: CheckContext, tree: TreeIndex): Finding[] {
  return [...context.checkpoint.otherImages.keys()].flatMap((name) => {
    const pid = TASK_IMAGE.exec(name)?.[1];
    if (pid === undefined) return [];
    const owner = tree.get(Number(pid) as Pid)?.task;
    const why = owner !== undefined && isZombie(owner) ? `task ${owner.pid} is a zombie` : `no task of ${PSTREE} has id ${pid}`;
    return [warning(name, `${why}: restore ignores this image`)];
  });
}

export function checkTree(context: CheckContext): Finding[] {
  const { tasks } = context.checkpoint;
  const tree: TreeIndex = new Map(tasks.map((task, index) => [task.pid, { task, index }]));
  const perTask = tasks.flatMap((task, index) => [...checkParent(task, index, tree), ...checkLeaders(task, index, tree), ...checkThreads(task, index)]);
  return [...perTask, ...strayTaskImages(context, tree)];
}
