/**
 * Descriptions only a task can make (amber has no wrapper for their
 * syscalls): amber hands the first fd a stand-in, the task makes the real
 * description and puts it over the stand-in, and amber takes a copy
 * (pidfd_getfd) to hand to every other fd that shares it.
 */
import * as fs from 'node:fs';
import type { OpenFlags } from '../../model';
import { copyFdFromProcess } from '../../sys/pidfd';
import { Syscall } from '../../sys/syscall-numbers';
import type { Fd } from '../../sys/types';
import type { RestoringTask } from '../context';
import type { OpenedFile } from './kinds';
import type { OpenContext } from './open-context';
import { setStatusFlags } from './regular';

const F_GETFD = 1n;
const FD_CLOEXEC = 1n;
const O_CLOEXEC = 0o2000000n;

/** `make` creates the description in the task and returns its fd there; `flags` are set on it afterwards. */
export function madeInTask(context: OpenContext, user: string, flags: OpenFlags, make: (task: RestoringTask) => bigint): OpenedFile {
  const opened: OpenedFile = {
    fd: context.hold(fs.openSync('/dev/null', 'r') as Fd),
    finish: (task, fdInTask) => {
      const made = make(task);
      const fdFlags = task.main.check(`${user}: reading its fd flags`, Syscall.Fcntl, fdInTask, F_GETFD);
      task.main.check(`${user}: placing it`, Syscall.Dup3, made, fdInTask, (fdFlags & FD_CLOEXEC) !== 0n ? O_CLOEXEC : 0n);
      task.main.check(`${user}: placing it`, Syscall.Close, made);
      opened.fd = context.hold(copyFdFromProcess(task.main.pid, Number(fdInTask)));
      setStatusFlags(opened.fd, flags);
    },
  };
  return opened;
}
