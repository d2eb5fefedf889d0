/** Names for the kinds of fd amber cannot dump yet, so that the refusal says what the fd is. */
import * as fs from 'node:fs';
import type { FdSubject } from './kind';

/** /proc/PID/net files listing sockets by inode, and what to call a socket found there. */
const SOCKET_TABLES: readonly [file: string, name: string][] = [
  ['unix', 'unix socket'],
  ['tcp', 'TCP socket'],
  ['tcp6', 'TCP socket'],
  ['udp', 'UDP socket'],
  ['udp6', 'UDP socket'],
  ['raw', 'raw socket'],
  ['raw6', 'raw socket'],
  ['netlink', 'netlink socket'],
  ['packet', 'packet socket'],
];

const ANON_INODES: readonly [pattern: RegExp, name: string][] = [
  [/^anon_inode:\[?eventfd\]?$/, 'eventfd'],
  [/^anon_inode:\[?eventpoll\]?$/, 'epoll'],
  [/^anon_inode:\[?signalfd\]?$/, 'signalfd'],
  [/^anon_inode:\[?timerfd\]?$/, 'timerfd'],
  [/^anon_inode:\[?inotify\]?$/, 'inotify'],
  [/^anon_inode:\[?fanotify\]?$/, 'fanotify'],
  [/^anon_inode:\[?pidfd\]?$/, 'pidfd'],
  [/^anon_inode:\[?userfaultfd\]?$/, 'userfaultfd'],
  [/^anon_inode:\[?io_uring\]?$/, 'io_uring'],
  [/^anon_inode:/, 'anonymous-inode file'],
  [/^\/memfd:/, 'memfd'],
  [/^\/dev\/(pts\/|tty|ptmx|console)/, 'tty'],
];

function socketKind(pid: number, inode: string): string {
  for (const [file, name] of SOCKET_TABLES) {
    try {
      const table = fs.readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
      if (new RegExp(`\\s${inode}(\\s|$)`, 'm').test(table)) return name;
    } catch {
      // That protocol is not built into this kernel.
    }
  }
  return 'socket';
}

/** What to call an fd that no kind module takes. */
export function describeUnsupported(subject: FdSubject): string {
  const socket = /^socket:\[(\d+)\]$/.exec(subject.link);
  if (socket !== null) return socketKind(subject.pid, socket[1]);
  const anon = ANON_INODES.find(([pattern]) => pattern.test(subject.link));
  if (anon !== undefined) return anon[1];
  if (subject.stat.isCharacterDevice() || subject.stat.isBlockDevice()) return `device ${subject.link}`;
  return `'${subject.link}'`;
}
