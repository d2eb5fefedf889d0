/** memfds: a new description on the memfd's inode, which amber made once (see ../shmem.ts), with its flags and position. */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import { memfdFileOf, type OpenFile } from '../../model';
import { Syscall } from '../../sys/syscall-numbers';
import type { Fd } from '../../sys/types';
import type { RestoringTask } from '../context';
import { sharedMemoryFor } from '../shmem';
import type { OpenedFile } from './kinds';
import type { OpenContext } from './open-context';
import { openFlagsNumber } from './regular';

const SEEK_SET = 0n;

export function openMemfd(file: OpenFile, context: OpenContext, user: string): OpenedFile {
  const memfd = memfdFileOf(file);
  if (memfd === undefined) throw new AmberError(`${user}: file id ${file.id} is not a memfd`);
  const inode = sharedMemoryFor(context.checkpoint).memfd(memfd.inodeId, user);
  // Opening /proc/self/fd/N opens the inode afresh: a description of its own, as the task's was.
  const fd = fs.openSync(`/proc/self/fd/${inode}`, openFlagsNumber(memfd.flags)) as Fd;
  const finish = (task: RestoringTask, fdInTask: bigint): void => {
    if (memfd.position !== 0n) task.main.check(`setting the position of fd ${fdInTask} (memfd)`, Syscall.Lseek, fdInTask, memfd.position, SEEK_SET);
  };
  return { fd, finish };
}
