/** Opening and closing files inside a task being restored, by injected syscalls. */
import { Syscall } from '../sys/syscall-numbers';
import { AmberError } from '../errors';
import type { Checkpoint } from '../model';
import type { FileId } from '../model';
import type { RestoringTask } from './context';
import { cString, writeArguments } from './scratch-layout';

const AT_FDCWD = -100n;

/** openat(AT_FDCWD, path, flags) in the task, `purpose` saying what for; returns the new fd (a number in the task). */
export function openInTask(task: RestoringTask, path: string, flags: number, purpose: string): bigint {
  const [pathAddress] = writeArguments(task.scratch, cString(path));
  return task.main.check(`opening ${path} ${purpose}`, Syscall.Openat, AT_FDCWD, pathAddress, BigInt(flags), 0n);
}

export function closeInTask(task: RestoringTask, fd: bigint): void {
  task.main.check(`closing fd ${fd}`, Syscall.Close, fd);
}

/** The path of a regular file of the checkpoint, which memory mappings, cwd and root name by file id. */
export function regularFilePath(checkpoint: Checkpoint, id: FileId, user: string): string {
  const file = checkpoint.files.get(id);
  if (file?.kind !== 'regular') throw new AmberError(`${user}: file id ${id} is not a regular file of the checkpoint`);
  return file.path;
}
