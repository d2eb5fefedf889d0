/** A task's fds grouped by kind of file, each with its flags, what it is, and who else holds the same description. */
import { fdTableOf, OPEN_FLAG_BITS, type FdEntry, type OpenFile, type OpenFlags, type Task } from '../../model';
import { describeFile } from './file-description';
import type { ReportData } from './gather';
import { holderLinks } from './holders';
import { html, type Html } from './html';
import { bitNames } from './flag-names';
import { openFlagsOf } from './open-flags';
import { isSocket } from './sockets';

/** The groups in the order they are listed. */
const GROUPS = ['regular files', 'pipes and FIFOs', 'sockets', 'eventfd', 'timerfd', 'signalfd', 'inotify', 'epoll', 'other'] as const;
type Group = (typeof GROUPS)[number];

function groupOf(file: OpenFile | undefined): Group {
  if (file === undefined) return 'other';
  if (isSocket(file)) return 'sockets';
  switch (file.kind) {
    case 'regular':
      return 'regular files';
    case 'pipe':
    case 'fifo':
      return 'pipes and FIFOs';
    case 'eventfd':
    case 'timerfd':
    case 'signalfd':
    case 'inotify':
    case 'epoll':
      return file.kind;
    default:
      return 'other';
  }
}

/** O_RDONLY is no bit, so the access mode is named apart from the other flags. */
const ACCESS_MODE_BITS = OPEN_FLAG_BITS.writeOnly | OPEN_FLAG_BITS.readWrite;

function accessMode(flags: OpenFlags | undefined): string {
  if (flags === undefined) return '';
  const { writeOnly, readWrite } = flags;
  const mode = readWrite ? 'O_RDWR' : writeOnly ? 'O_WRONLY' : 'O_RDONLY';
  return [mode, ...bitNames(flags, OPEN_FLAG_BITS, 'rfile.flags', ACCESS_MODE_BITS)].join(' ');
}

function fdRow(data: ReportData, task: Task, entry: FdEntry): Html {
  const file = data.checkpoint.files.get(entry.file);
  const self = { pid: task.pid, fd: entry.fd };
  const what = file === undefined ? html`<span class="missing">file id ${entry.file} is not in files.img</span>` : describeFile(data, file);
  return html`<tr><td class="fd">${entry.fd}</td><td>${accessMode(openFlagsOf(data.checkpoint, file))}${entry.flags.closeOnExec ? ' FD_CLOEXEC' : ''}</td><td>${what}</td><td>${holderLinks(data, [entry.file], self)}</td></tr>`;
}

export function fdTable(data: ReportData, task: Task): Html {
  const table = fdTableOf(data.checkpoint, task);
  if (table === undefined) return html`<p class="none">No fd table.</p>`;
  const groups = GROUPS.map((group) => ({ group, entries: table.fds.filter((entry) => groupOf(data.checkpoint.files.get(entry.file)) === group) })).filter(
    ({ entries }) => entries.length > 0,
  );
  return html`<table class="fds"><thead><tr><th>fd</th><th>flags</th><th>what</th><th>also held by</th></tr></thead>${groups.map(
    ({ group, entries }) => html`<tbody><tr class="group"><th colspan="4">${group} (${entries.length})</th></tr>${entries.map((entry) => fdRow(data, task, entry))}</tbody>`,
  )}</table>`;
}
