/** What one fd's open file description is, in a table cell: path and position, pipe ends, socket state... */
import { pipeContentsOf, pipeEnds, type Epoll, type FifoEnd, type Inotify, type OpenFile, type PipeEnd, type TimerFd } from '../../model';
import { counted } from './format';
import type { ReportData } from './gather';
import { holderLinks } from './holders';
import { html, type Html } from './html';
import { openFlagsOf } from './open-flags';
import { isSocket, socketAnchor, socketFacts } from './sockets';
import { signalNames } from './signals';

const CLOCKS: Readonly<Record<number, string>> = { 0: 'CLOCK_REALTIME', 1: 'CLOCK_MONOTONIC', 7: 'CLOCK_BOOTTIME', 8: 'CLOCK_REALTIME_ALARM', 9: 'CLOCK_BOOTTIME_ALARM' };

const seconds = (time: { seconds: bigint; nanoseconds: bigint }): string => `${(Number(time.seconds) + Number(time.nanoseconds) / 1e9).toFixed(3)} s`;

/** Which way an end goes; undefined for a FIFO opened O_RDWR, which is both. */
function isWriteEnd(data: ReportData, end: PipeEnd | FifoEnd): boolean | undefined {
  const flags = openFlagsOf(data.checkpoint, end);
  return flags === undefined || flags.readWrite ? undefined : flags.writeOnly;
}

function pipeEnd(data: ReportData, end: PipeEnd | FifoEnd): Html {
  const writes = isWriteEnd(data, end);
  const others = pipeEnds(data.checkpoint, end.pipe).filter((other) => other.id !== end.id && (writes === undefined || isWriteEnd(data, other) !== writes));
  const unread = pipeContentsOf(data.checkpoint, end)?.data.length ?? 0;
  const direction = writes === undefined ? 'read-write end' : writes ? 'write end' : 'read end';
  const path = end.kind === 'fifo' && end.pathFile !== undefined ? data.checkpoint.files.get(end.pathFile) : undefined;
  const name = path?.kind === 'regular' ? html`FIFO <span class="path">${path.path}</span>` : html`pipe:[${end.pipe}]`;
  return html`${name}, ${direction}, ${counted(unread, 'unread byte')}; other ends: ${holderLinks(data, others.map((other) => other.id))}`;
}

function timer(file: TimerFd): Html {
  const interval = file.interval.seconds === 0n && file.interval.nanoseconds === 0n ? 'one-shot' : `every ${seconds(file.interval)}`;
  return html`${CLOCKS[file.clock] ?? `clock ${file.clock}`}, ${seconds(file.remaining)} left, ${interval}, ${file.ticks} unread expirations`;
}

function watches(file: Inotify): Html {
  return html`${counted(file.watches.length, 'watch', 'watches')}<ul class="compact">${file.watches.map((watch) => html`<li><span class="path">${watch.path ?? `inode ${watch.inode}`}</span> mask 0x${watch.mask.toString(16)}</li>`)}</ul>`;
}

function epollTargets(file: Epoll): Html {
  return html`${counted(file.targets.length, 'target')}<ul class="compact">${file.targets.map((target) => html`<li>fd ${target.fd} events 0x${target.events.toString(16)} data 0x${target.data.toString(16)}</li>`)}</ul>`;
}

function socket(data: ReportData, file: OpenFile): Html {
  const facts = socketFacts(data, file);
  const link = html`<a href="#${socketAnchor(file)}">${[facts.family, facts.type, facts.state].filter((word) => word !== '').join(' ')}</a>`;
  return facts.local === '' ? link : html`${link} <span class="address">${facts.local}</span> → ${facts.remote}`;
}

export function describeFile(data: ReportData, file: OpenFile): Html {
  switch (file.kind) {
    case 'regular':
      return html`<span class="path">${file.path}</span> at ${file.position}${file.size === undefined ? '' : ` of ${file.size} bytes`}`;
    case 'pipe':
    case 'fifo':
      return pipeEnd(data, file);
    case 'unix-socket':
      return socket(data, file);
    case 'eventfd':
      return html`counter ${file.counter}`;
    case 'timerfd':
      return timer(file);
    case 'signalfd':
      return html`signals ${signalNames(file.signals).join(' ') || 'none'}`;
    case 'inotify':
      return watches(file);
    case 'epoll':
      return epollTargets(file);
    case 'other':
      return isSocket(file) ? socket(data, file) : html`${file.type} (not described further)`;
  }
}
