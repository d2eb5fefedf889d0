/** One task's part of the page: its findings, threads, memory map and fds. */
import type { Task } from '../../model';
import { taskAnchor } from './anchors';
import { dumpedPages } from './dumped-pages';
import { fdTable } from './fd-table';
import { taskFindings } from './findings';
import type { ReportData } from './gather';
import { html, type Html } from './html';
import { memoryMap } from './memory-map';
import { stateOf } from './tree';
import { vmaTable } from './vma-table';

function threadList(task: Task): Html {
  return html`<ul class="threads">${task.threads.map((thread) => html`<li>tid ${thread.tid}${thread.core?.name === undefined ? '' : html` <b>${thread.core.name}</b>`}</li>`)}</ul>`;
}

export function taskSection(data: ReportData, task: Task): Html {
  const vmas = task.memory?.vmas ?? [];
  const dumped = dumpedPages(vmas, task.pageMap);
  const parent = task.parent === undefined ? 'none in the checkpoint' : html`<a href="#${taskAnchor(task.parent)}">${task.parent}</a>`;
  return html`<section class="task" id="${taskAnchor(task.pid)}" data-pid="${task.pid}">
<h2>Task ${task.pid} <b class="comm">${task.process.name}</b></h2>
${taskFindings(data.findings, task)}
<p class="facts">${stateOf(task)} · parent ${parent} · session ${task.sid} · group ${task.pgid}</p>
<h3>Threads</h3>${threadList(task)}
<h3>Memory map</h3>${memoryMap(task, data.checkpoint, dumped)}${vmaTable(data, task, dumped)}
<h3>File descriptors</h3>${fdTable(data, task)}
</section>`;
}
