/**
 * inotify: the task makes the instance and adds each watch on its path
 * with its mask, in wd order. inotify hands out wds in increasing order
 * and does not reuse a freed one at once (idr_alloc_cyclic in
 * fs/notify/inotify/inotify_user.c), so a gap left by a removed watch is
 * made again by adding a watch and removing it; the IN_IGNORED event that
 * removal queues is read back before the task can see it.
 */
import { AmberError } from '../../errors';
import type { Inotify, InotifyWatch } from '../../model';
import { IN_IGNORED, IN_NONBLOCK, INOTIFY_EVENT_SIZE } from '../../sys/fsnotify';
import { Syscall } from '../../sys/syscall-numbers';
import type { RestoringTask } from '../context';
import { cString, writeArguments } from '../scratch-layout';
import type { OpenedFile } from './kinds';
import { madeInTask } from './made-in-task';
import type { OpenContext } from './open-context';

function takeIgnoredEvent(task: RestoringTask, instance: bigint, wd: number, user: string): void {
  const [event] = writeArguments(task.scratch, Buffer.alloc(INOTIFY_EVENT_SIZE));
  const length = task.main.check(`${user}: reading back the IN_IGNORED of wd ${wd}`, Syscall.Read, instance, event, BigInt(INOTIFY_EVENT_SIZE));
  const raw = task.scratch.read(Number(event - task.scratch.address), INOTIFY_EVENT_SIZE);
  if (length !== BigInt(INOTIFY_EVENT_SIZE) || raw.readInt32LE(0) !== wd || raw.readUInt32LE(4) !== IN_IGNORED) {
    throw new AmberError(`${user}: an event arrived on the inotify instance while amber was making its wd ${wd} (wd ${raw.readInt32LE(0)}, mask 0x${raw.readUInt32LE(4).toString(16)})`);
  }
}

/** Adds `watch` to the instance, first using up (add, remove) the wds below its own that are free. */
function addWatch(task: RestoringTask, instance: bigint, watch: InotifyWatch, user: string): void {
  if (watch.path === undefined) throw new AmberError(`${user}: inotify watch wd ${watch.wd} has no path in the image`);
  for (;;) {
    const [path] = writeArguments(task.scratch, cString(watch.path));
    const wd = Number(task.main.check(`${user}: watching ${watch.path}`, Syscall.InotifyAddWatch, instance, path, BigInt(watch.mask >>> 0)));
    if (wd === watch.wd) return;
    if (wd > watch.wd) throw new AmberError(`${user}: inotify gave ${watch.path} wd ${wd}, past its own wd ${watch.wd}`);
    task.main.check(`${user}: using up wd ${wd}`, Syscall.InotifyRmWatch, instance, BigInt(wd));
    takeIgnoredEvent(task, instance, wd, user);
  }
}

function makeInotify(file: Inotify, task: RestoringTask, user: string): bigint {
  // Non-blocking while amber reads from it; its own flags are set afterwards.
  const instance = task.main.check(`${user}: making its inotify instance`, Syscall.InotifyInit1, BigInt(IN_NONBLOCK));
  for (const watch of [...file.watches].sort((a, b) => a.wd - b.wd)) addWatch(task, instance, watch, user);
  return instance;
}

export function openInotify(file: Inotify, context: OpenContext, user: string): OpenedFile {
  return madeInTask(context, user, file.flags, (task) => makeInotify(file, task, user));
}
