/** A task's working directory, root and umask. */
import type { Checkpoint } from '../model';
import type { RestoringTask } from './context';
import { cString, writeArguments } from './scratch-layout';
import { RestoreSyscall } from './syscalls';
import { regularFilePath } from './task-files';

export function restoreFsState(checkpoint: Checkpoint, task: RestoringTask): void {
  const state = task.task.fs;
  if (state === undefined) return;
  const user = `task ${task.task.pid}`;
  const root = regularFilePath(checkpoint, state.root, `${user} root`);
  if (root !== '/') {
    const [rootAddress] = writeArguments(task.scratch, cString(root));
    task.main.check(`changing its root to ${root}`, RestoreSyscall.Chroot, rootAddress);
  }
  const cwd = regularFilePath(checkpoint, state.cwd, `${user} cwd`);
  const [cwdAddress] = writeArguments(task.scratch, cString(cwd));
  task.main.check(`changing its directory to ${cwd}`, RestoreSyscall.Chdir, cwdAddress);
  task.main.check('setting its umask', RestoreSyscall.Umask, BigInt(state.umask));
}
