/** `crit x DIR tree`: the process tree with each task's session, process group and threads. */
import { isZombie, readCheckpoint, type Pid, type TaskState, type Tid } from '../../model';
import type { ImageDir } from './image-dir';

const INDENT = '    ';

interface ThreadNode {
  tid: Tid;
  comm: string;
}

interface TaskNode {
  pid: Pid;
  comm: string;
  session: Pid;
  group: Pid;
  state: TaskState;
  /** How a zombie ended: its exit code, or the signal that killed it (wait(2)). */
  exit?: { code: number } | { signal: number };
  /** Threads other than the main one, whose tid is the pid. */
  threads: ThreadNode[];
  children: TaskNode[];
}

function exitOf(status: number): TaskNode['exit'] {
  const signal = status & 0x7f;
  return signal === 0 ? { code: (status >> 8) & 0xff } : { signal };
}

/** The forest of tasks: a task whose parent is not in the checkpoint is a root. */
async function readTree(images: ImageDir): Promise<TaskNode[]> {
  const { tasks } = await readCheckpoint(images.dir);
  const nodes = new Map<Pid, TaskNode>();
  for (const task of tasks) {
    nodes.set(task.pid, {
      pid: task.pid,
      comm: task.process.name,
      session: task.sid,
      group: task.pgid,
      state: task.process.state,
      ...(isZombie(task) ? { exit: exitOf(task.process.exitStatus) } : {}),
      threads: task.threads
        .filter((thread) => thread.tid !== task.pid && thread.tid !== 0)
        .map((thread) => ({ tid: thread.tid, comm: thread.core?.name ?? task.process.name })),
      children: [],
    });
  }
  const roots: TaskNode[] = [];
  for (const task of tasks) {
    const node = nodes.get(task.pid) as TaskNode;
    const parent = task.parent === undefined ? undefined : nodes.get(task.parent);
    (parent?.children ?? roots).push(node);
  }
  return roots;
}

function membership(node: TaskNode): string {
  const session = node.session === node.pid ? 'session leader' : `session ${node.session}`;
  const group = node.group === node.pid ? 'group leader' : `group ${node.group}`;
  return `(${session}, ${group})`;
}

function stateText(node: TaskNode): string {
  if (node.exit === undefined) return node.state === 'alive' ? '' : ` ${node.state}`;
  return 'code' in node.exit ? ` zombie, exit status ${node.exit.code}` : ` zombie, killed by signal ${node.exit.signal}`;
}

/** One line per task, children and threads indented under it. */
export async function exploreTree(images: ImageDir): Promise<string[]> {
  const lines: string[] = [];
  const show = (node: TaskNode, depth: number): void => {
    const indent = INDENT.repeat(depth);
    lines.push(`${indent}${node.pid} ${node.comm} ${membership(node)}${stateText(node)}`);
    for (const thread of node.threads) lines.push(`${indent}${INDENT}thread ${thread.tid} ${thread.comm}`);
    for (const child of node.children) show(child, depth + 1);
  };
  for (const root of await readTree(images)) show(root, 0);
  return lines;
}

export function treeJson(images: ImageDir): Promise<unknown> {
  return readTree(images);
}
