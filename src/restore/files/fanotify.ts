/**
 * fanotify: the task makes the instance with its fanotify_init flags and
 * puts back each mark, on its inode's path or its mount point, with its
 * mask and then its ignored mask (fanotify_mark(2) sets one per call).
 */
import { AmberError } from '../../errors';
import type { OpenFile } from '../../model';
import { fanotifyFileOf, type FanotifyFile, type FanotifyMark } from '../../model/fanotify';
import { FAN_MARK_ADD, FAN_MARK_EVICTABLE, FAN_MARK_IGNORED_MASK, FAN_MARK_MOUNT } from '../../sys/fsnotify';
import { Syscall } from '../../sys/syscall-numbers';
import type { RestoringTask } from '../context';
import { cString, writeArguments } from '../scratch-layout';
import type { OpenedFile } from './kinds';
import { madeInTask } from './made-in-task';
import type { OpenContext } from './open-context';

const AT_FDCWD = -100n;

function addMark(task: RestoringTask, instance: bigint, mark: FanotifyMark, user: string): void {
  const path = mark.target === 'MOUNT' ? mark.mount?.path : mark.inode?.path;
  if (path === undefined) throw new AmberError(`${user}: a fanotify ${mark.target.toLowerCase()} mark has no path in the image`);
  const [pathAddress] = writeArguments(task.scratch, cString(path));
  const on = mark.target === 'MOUNT' ? FAN_MARK_MOUNT : 0;
  const add = (flags: number, mask: number, what: string): void => {
    task.main.check(`${user}: ${what} ${path}`, Syscall.FanotifyMark, instance, BigInt(FAN_MARK_ADD | on | flags), BigInt(mask >>> 0), AT_FDCWD, pathAddress);
  };
  if (mark.mask !== 0) add(mark.markFlags & FAN_MARK_EVICTABLE, mark.mask, 'marking');
  if (mark.ignoredMask !== 0) add(FAN_MARK_IGNORED_MASK | mark.markFlags, mark.ignoredMask, 'ignoring events on');
}

function makeFanotify(file: FanotifyFile, task: RestoringTask, user: string): bigint {
  const instance = task.main.check(`${user}: making its fanotify instance`, Syscall.FanotifyInit, BigInt(file.initFlags), BigInt(file.eventFlags));
  // fdinfo lists a group's marks newest first: adding them oldest first lists them as before.
  for (const mark of [...file.marks].reverse()) addMark(task, instance, mark, user);
  return instance;
}

export function openFanotify(file: OpenFile, context: OpenContext, user: string): OpenedFile {
  const fanotify = fanotifyFileOf(file);
  if (fanotify === undefined) throw new AmberError(`${user}: file id ${file.id} is not a fanotify instance`);
  return madeInTask(context, user, fanotify.flags, (task) => makeFanotify(fanotify, task, user));
}
