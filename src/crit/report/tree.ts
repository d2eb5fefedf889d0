/** The process tree as nested, collapsible <details>: pid, name, state, threads, session and group. */
import type { Pid, Task } from '../../model';
import type { Finding } from '../validate';
import { taskAnchor } from './anchors';
import { findingBadge } from './findings';
import { counted } from './format';
import { html, type Html } from './html';

/** The state word shown for a task; a zombie's wait status says how it ended. */
export function stateOf(task: Task): string {
  const { state, exitStatus } = task.process;
  if (state !== 'dead' && state !== 'zombie') return state;
  const signal = exitStatus & 0x7f;
  return signal === 0 ? `zombie (exit ${exitStatus >> 8})` : `zombie (signal ${signal})`;
}

function roleOf(task: Task): string {
  if (task.sid === task.pid) return 'session leader';
  if (task.pgid === task.pid) return 'group leader';
  return '';
}

function childrenByParent(tasks: readonly Task[]): Map<Pid | undefined, Task[]> {
  const known = new Set(tasks.map((task) => task.pid));
  const byParent = new Map<Pid | undefined, Task[]>();
  for (const task of tasks) {
    // A task whose parent is outside the checkpoint is drawn as a root.
    const parent = task.parent !== undefined && known.has(task.parent) ? task.parent : undefined;
    byParent.set(parent, [...(byParent.get(parent) ?? []), task]);
  }
  return byParent;
}

export function processTree(tasks: readonly Task[], findings: readonly Finding[]): Html {
  const byParent = childrenByParent(tasks);
  const node = (task: Task): Html => {
    const children = byParent.get(task.pid) ?? [];
    const role = roleOf(task);
    const summary = html`<summary><a class="pid" href="#${taskAnchor(task.pid)}">${task.pid}</a> <b class="comm">${task.process.name}</b> <span class="state">${stateOf(task)}</span> <span class="threads">${counted(task.threads.length, 'thread')}</span> <span class="ids">sid ${task.sid} · pgid ${task.pgid}</span>${role === '' ? '' : html` <span class="role">${role}</span>`}${findingBadge(findings, task)}</summary>`;
    return html`<li><details class="task-node${children.length === 0 ? ' leaf' : ''}" data-pid="${task.pid}" open>${summary}${children.length === 0 ? '' : html`<ul>${children.map(node)}</ul>`}</details></li>`;
  };
  return html`<section id="tree"><h2>Process tree</h2><ul class="tree">${(byParent.get(undefined) ?? []).map(node)}</ul></section>`;
}
