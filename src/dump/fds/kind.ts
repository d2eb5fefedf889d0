/** What every fd kind module gets to describe one fd, and what it provides. */
import type * as fs from 'node:fs';
import type { FileId } from '../../model';
import type { Fdinfo } from '../../proc/fdinfo';
import type { Fd, Pid } from '../../sys/types';
import { pathFile, type FileSet } from '../file-set';
import type { DumpOptions } from '../options';

export interface FdSubject {
  pid: Pid;
  fd: Fd;
  /** The /proc/PID/fd/N link: a path, "pipe:[INO]", "socket:[INO]", "anon_inode:[eventfd]"... */
  link: string;
  /** stat(2) of what the fd points at. */
  stat: fs.Stats;
  /** The description's open(2) flags, without the fd's O_CLOEXEC. */
  flags: number;
  position: bigint;
  /** /proc/PID/fdinfo/N, with the lines of its kind decoded. */
  info: Fdinfo;
  files: FileSet;
}

export interface FdKind {
  /** The fd type fdinfo-N.img gives fds of this kind (REG, PIPE, FIFO...). */
  type: string;
  matches(subject: FdSubject): boolean;
  /** Adds the description, with id `id`, and whatever it shares, to `subject.files`. */
  dump(subject: FdSubject, id: FileId): void;
  /** Once every fd table is dumped: completes or refuses, as `options` say, what only the whole dump shows (a peer outside the tree). */
  checkComplete?(files: FileSet, options: DumpOptions): void;
}

/** /proc/PID/fd/N, which opens (or stats) what the fd points at. */
export const fdPath = (subject: Pick<FdSubject, 'pid' | 'fd'>): string => `/proc/${subject.pid}/fd/${subject.fd}`;

/**
 * A regular-file description of the path a FIFO or terminal was opened by,
 * with the fd's flags: the description's regf_id, which CRIU's restore
 * requires of a terminal.
 */
export function recordOpenedPath(subject: FdSubject): FileId {
  const id = subject.files.newId();
  subject.files.add(pathFile(id, subject.link, subject.stat, subject.flags, fdPath(subject)));
  return id;
}
