/** Regular files (and directories, devices opened by path): reopened by path with their flags, at their position. */
import { Syscall } from '../../sys/syscall-numbers';
import { OPEN_FLAG_BITS, type OpenFlags, type RegularFile } from '../../model';
import { F_SETFL } from '../../sys/constants';
import { fcntl } from '../../sys/fd';
import type { Fd } from '../../sys/types';
import type { RestoringTask } from '../context';
import type { OpenedFile } from './kinds';
import type { OpenContext } from './open-context';
import { openPath } from './open-path';
import { openRemapped } from './remap';

/** Flags that only mattered when the file was first opened, or that are per fd rather than per description. */
export const NOT_REOPENED: readonly (keyof typeof OPEN_FLAG_BITS)[] = ['create', 'exclusive', 'truncate', 'closeOnExec'];
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
  const remap = context.checkpoint.remaps.find((candidate) => candidate.file === file.id);
  const flags = openFlagsNumber(file.flags, NOT_REOPENED);
  const fd = remap === undefined ? openPath(file.path, flags, user) : openRemapped(file, remap, flags, context, user);
  const finish = (task: RestoringTask, fdInTask: bigint): void => {
    if (file.position !== 0n) task.main.check(`setting the position of fd ${fdInTask} (${file.path})`, Syscall.Lseek, fdInTask, file.position, SEEK_SET);
  };
  return { fd, finish };
}
