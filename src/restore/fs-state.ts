/** A task's working directory, root and umask. */
import { Syscall } from '../sys/syscall-numbers';
import type { Checkpoint } from '../model';
import type { RestoringTask } from './context';
import { cString, writeArguments } from './scratch-layout';
import { regularFilePath } from './task-files';

export function restoreFsState(checkpoint: Checkpoint, task: RestoringTask): void {
  const state = task.task.fs;
  if (state === undefined) return;
  const user = `task ${task.task.pid}`;
  const root = regularFilePath(checkpoint, state.root, `${user} root`);
  if (root !== '/') {
    const [rootAddress] = writeArguments(task.scratch, cString(root));
    task.main.check(`changing its root to ${root}`, Syscall.Chroot, rootAddress);
  }
  const cwd = regularFilePath(checkpoint, state.cwd, `${user} cwd`);
  const [cwdAddress] = writeArguments(task.scratch, cString(cwd));
  task.main.check(`changing its directory to ${cwd}`, Syscall.Chdir, cwdAddress);
  task.main.check('setting its umask', Syscall.Umask, BigInt(state.umask));
}
