/** Regular files (and directories, devices opened by path): reopened by path with their flags, at their position. */
import { Syscall } from '../../sys/syscall-numbers';
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import { OPEN_FLAG_BITS, type OpenFlags, type RegularFile } from '../../model';
import { F_SETFL } from '../../sys/constants';
import { fcntl } from '../../sys/fd';
import type { Fd } from '../../sys/types';
import type { RestoringTask } from '../context';
import type { OpenedFile } from './kinds';
import type { OpenContext } from './open-context';

/** Flags that only mattered when the file was first opened, or that are per fd rather than per description. */
const NOT_REOPENED: readonly (keyof typeof OPEN_FLAG_BITS)[] = ['create', 'exclusive', 'truncate', 'closeOnExec'];
const SEEK_SET = 0n;

/** The open(2) flags number of a flag set. */
export function openFlagsNumber(flags: OpenFlags, skip: readonly (keyof typeof OPEN_FLAG_BITS)[] = []): number {
  return (Object.keys(OPEN_FLAG_BITS) as (keyof typeof OPEN_FLAG_BITS)[])
    .filter((name) => flags[name] && !skip.includes(name))
    .reduce((bits, name) => bits | OPEN_FLAG_BITS[name], 0);
}

/** Sets the flags fcntl(F_SETFL) can change (O_NONBLOCK, O_APPEND, O_ASYNC...) on a description amber made. */
export function setStatusFlags(fd: Fd, flags: OpenFlags): void {
  fcntl(fd, F_SETFL, openFlagsNumber(flags));
}

export function openRegularFile(file: RegularFile, context: OpenContext, user: string): OpenedFile {
  if (context.checkpoint.remaps.some((remap) => remap.file === file.id)) {
    throw new AmberError(`${user}: ${file.path} was unlinked or moved, which amber does not restore yet`);
  }
  let fd: Fd;
  try {
    fd = fs.openSync(file.path, openFlagsNumber(file.flags, NOT_REOPENED)) as Fd;
  } catch (e) {
    throw new AmberError(`${user}: cannot reopen ${file.path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const finish = (task: RestoringTask, fdInTask: bigint): void => {
    if (file.position !== 0n) task.main.check(`setting the position of fd ${fdInTask} (${file.path})`, Syscall.Lseek, fdInTask, file.position, SEEK_SET);
  };
  return { fd, finish };
}
