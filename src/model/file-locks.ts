/** filelocks.img: the locks tasks hold on files, each with an owner task and one of its fds on the file. */
import { bigInteger, identifier, namedNumber } from './codecs';
import { field, type Modeled, type Rules } from './fields';
import type { Fd, Pid } from './ids';

/** fcntl(F_SETLK) record locks (owned by the task), flock(2) and fcntl(F_OFD_SETLK) locks (owned by the open file description). */
export type FileLockKind = 'posix' | 'flock' | 'ofd';
export type FileLockAccess = 'read' | 'write';

export interface FileLock extends Modeled {
  kind: FileLockKind;
  access: FileLockAccess;
  /** The task that takes the lock again on restore. */
  owner: Pid;
  /** An fd of the owner on the locked file's description. */
  fd: Fd;
  start: bigint;
  /** Bytes locked; 0 locks to the end of the file, however long it grows. */
  length: bigint;
}

export const fileLockRules: Rules<FileLock> = {
  kind: field('flag', namedNumber<FileLockKind>({ posix: 1, flock: 2, ofd: 4 })),
  access: field('type', namedNumber<FileLockAccess>({ read: 0, write: 1 })),
  owner: field('pid', identifier<Pid>()),
  fd: field('fd', identifier<Fd>()),
  start: field('start', bigInteger),
  length: field('len', bigInteger),
};
