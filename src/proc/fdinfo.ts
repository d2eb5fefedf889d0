/**
 * /proc/PID/fdinfo/FD (proc(5)): the lines every file shows (pos, flags,
 * mnt_id, ino, locks), plus the lines of the fd's kind, which decide the kind
 * unless the caller names it (an epoll or inotify fd with nothing registered
 * shows no lines of its own).
 */
import * as fs from 'node:fs';
import { epoll, type EpollInfo, eventfd, type EventfdInfo, signalfd, type SignalfdInfo, timerfd, type TimerfdInfo } from './fdinfo-events';
import { fanotify, type FanotifyInfo, inotify, type InotifyInfo } from './fdinfo-notify';
import { unsigned, unsigned64 } from './fields';
import { KeyedLines } from './keyed-lines';
import { fileError, forEachLine, type NumberedLine } from './lines';
import { type FileLock, parseLockLine } from './locks';
import { type Fd, type Inode, type Pid, procPath } from './types';

export interface FdinfoCommon {
  /** File position. */
  pos: bigint;
  /** O_* flags of the open file description (printed in octal), including O_CLOEXEC of this fd. */
  flags: number;
  /** Mount id of the file (as in mountinfo). */
  mntId: number;
  /** Inode number (Linux 5.14+). */
  ino?: Inode;
  /** Locks the file's owner holds on it ("lock:" lines). */
  locks: FileLock[];
  /** Lines no decoder here understands (pidfd, userfaultfd, ...), as printed. */
  otherLines: string[];
}

/** An fd with no kind-specific lines here: a regular file, pipe, socket, ... */
export interface PlainFdinfo {
  kind: 'plain';
}

export type FdinfoKind = Fdinfo['kind'];
export type Fdinfo = FdinfoCommon &
  (PlainFdinfo | EventfdInfo | EpollInfo | SignalfdInfo | TimerfdInfo | InotifyInfo | FanotifyInfo);

const DECODERS = { eventfd, epoll, signalfd, timerfd, inotify, fanotify };
type DecodedKind = keyof typeof DECODERS;
const DECODED_KINDS: readonly DecodedKind[] = ['eventfd', 'epoll', 'signalfd', 'timerfd', 'inotify', 'fanotify'];

const COMMON_KEYS = /^(pos|flags|mnt_id|ino):\t/;

/** Parses the text of an fdinfo file; `kind` forces the kind when the caller knows it from /proc/PID/fd. */
export function parseFdinfo(text: string, file = '/proc/PID/fdinfo/FD', kind?: FdinfoKind): Fdinfo {
  const common: NumberedLine[] = [];
  const locks: FileLock[] = [];
  const otherLines: string[] = [];
  const byKind = new Map<DecodedKind, NumberedLine[]>();
  forEachLine(file, text, (line, lineNumber) => {
    if (COMMON_KEYS.test(line)) common.push({ line, lineNumber });
    else if (line.startsWith('lock:\t')) locks.push(parseLockLine(line.slice('lock:\t'.length)));
    else {
      const owner = DECODED_KINDS.find((candidate) => DECODERS[candidate].owns(line));
      if (owner === undefined) otherLines.push(line);
      else if (byKind.has(owner)) byKind.get(owner)?.push({ line, lineNumber });
      else byKind.set(owner, [{ line, lineNumber }]);
    }
  });
  const found = [...byKind.keys()];
  if (found.length > 1) throw fileError(file, `has lines of both ${found[0]} and ${found[1]} files`);
  const chosen = kind ?? found[0] ?? 'plain';
  if (found.length === 1 && found[0] !== chosen) throw fileError(file, `has ${found[0]} lines, expected a ${chosen} file`);

  const header = new KeyedLines(file, common);
  const base: FdinfoCommon = {
    pos: header.take('pos', (value, key) => unsigned64(value, key)),
    flags: header.take('flags', (value, key) => unsigned(value, key, 8)),
    mntId: header.take('mnt_id', (value, key) => unsigned(value, key)),
    ino: header.takeOptional('ino', (value, key) => unsigned64(value, key)),
    locks,
    otherLines,
  };
  if (chosen === 'plain') return { ...base, kind: 'plain' };
  return { ...base, ...DECODERS[chosen].decode(file, byKind.get(chosen) ?? []) };
}

export function readFdinfo(pid: Pid, fd: Fd, kind?: FdinfoKind): Fdinfo {
  const file = procPath(pid, 'fdinfo', String(fd));
  return parseFdinfo(fs.readFileSync(file, 'utf8'), file, kind);
}
