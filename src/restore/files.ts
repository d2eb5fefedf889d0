/**
 * A task's fd table. Each open file description is opened once by amber
 * and sent to every task that uses it over the fd channel (SCM_RIGHTS); the
 * task receives it with an injected recvmsg and moves it to its number with
 * dup3. Shared descriptions stay shared, across fds and across tasks.
 */
import { Syscall } from '../sys/syscall-numbers';
import { fdTableOf, findFile, type FdEntry, type FileId } from '../model';
import { close } from '../sys/fd';
import { sendmsg } from '../sys/socket';
import type { Fd } from '../sys/types';
import type { RestoreContext, RestoringTask } from './context';
import { filesInFlight, openedDescriptions } from './files/in-flight';
import { openDescription, type OpenedFile } from './files/kinds';
import { OpenContext } from './files/open-context';
import { writeArguments } from './scratch-layout';

const F_DUPFD = 0n;
const F_SETFD = 2n;
const O_CLOEXEC = 0o2000000n;
const MSG_CMSG_CLOEXEC = 0x4000_0000n;
/** struct msghdr, struct iovec and a cmsghdr with room for one int (CMSG_SPACE(4)). */
const MSGHDR_SIZE = 56;
const IOVEC_SIZE = 16;
const CMSG_SPACE_ONE_FD = 24;
const CMSG_DATA_OFFSET = 16;

/** The descriptions amber opened for this restore, each once. */
export class OpenDescriptions {
  private readonly opened: Map<FileId, OpenedFile>;
  private readonly context: OpenContext;

  constructor(restore: RestoreContext) {
    this.context = new OpenContext(restore.checkpoint);
    this.opened = openedDescriptions(this.context);
  }

  /** The description behind `id`, and whether this is its first user (which finishes it). */
  get(id: FileId, user: string): { file: OpenedFile; first: boolean } {
    const known = this.opened.get(id);
    if (known !== undefined) return { file: known, first: false };
    const file = openDescription(findFile(this.context.checkpoint, id), this.context, user);
    this.opened.set(id, file);
    return { file, first: true };
  }

  closeAll(): void {
    const fds = new Set<Fd>([...[...this.opened.values()].map((file) => file.fd), ...this.context.held()]);
    for (const fd of fds) close(fd);
    this.opened.clear();
  }
}

/** Passes amber's `fd` to the task over the channel; returns its number there. */
function passFd(context: RestoreContext, task: RestoringTask, channelFd: bigint, fd: Fd, user: string): bigint {
  sendmsg(context.channel, Buffer.from([0]), { fds: [fd] });
  const [byte, control] = writeArguments(task.scratch, Buffer.alloc(1), Buffer.alloc(CMSG_SPACE_ONE_FD));
  const iovec = Buffer.alloc(IOVEC_SIZE);
  iovec.writeBigUInt64LE(byte, 0);
  iovec.writeBigUInt64LE(1n, 8);
  const iovecAddress = task.scratch.write(iovec, task.scratch.size - MSGHDR_SIZE - IOVEC_SIZE);
  const header = Buffer.alloc(MSGHDR_SIZE);
  header.writeBigUInt64LE(iovecAddress, 16);
  header.writeBigUInt64LE(1n, 24);
  header.writeBigUInt64LE(control, 32);
  header.writeBigUInt64LE(BigInt(CMSG_SPACE_ONE_FD), 40);
  const headerAddress = task.scratch.write(header, task.scratch.size - MSGHDR_SIZE);
  task.main.check(`${user}: receiving it from amber`, Syscall.Recvmsg, channelFd, headerAddress, MSG_CMSG_CLOEXEC);
  const offset = Number(control - task.scratch.address) + CMSG_DATA_OFFSET;
  return BigInt(task.scratch.read(offset, 4).readInt32LE(0));
}

/** Moves the channel out of the way of the task's own fd numbers; returns where it is now. */
function channelAbove(task: RestoringTask, fds: readonly FdEntry[]): bigint {
  const channel = BigInt(task.channelFd);
  const highest = fds.reduce((max, entry) => Math.max(max, entry.fd), -1);
  if (!fds.some((entry) => BigInt(entry.fd) === channel)) return channel;
  const moved = task.main.check('moving the fd channel aside', Syscall.Fcntl, channel, F_DUPFD, BigInt(highest + 1));
  task.main.check('moving the fd channel aside', Syscall.Close, channel);
  return moved;
}

/**
 * Opens the files socket queues carry (SCM_RIGHTS) before any socket is made, finishing each in `task` through
 * an fd passed for the while, so that a queue gets the whole description even when no task has an fd for it.
 */
function openFilesInFlight(context: RestoreContext, task: RestoringTask, descriptions: OpenDescriptions, channelFd: bigint): void {
  for (const id of filesInFlight(context.checkpoint)) {
    const user = `file ${id} in flight`;
    const { file, first } = descriptions.get(id, user);
    if (!first || file.finish === undefined) continue;
    const passed = passFd(context, task, channelFd, file.fd, user);
    file.finish(task, passed);
    task.main.check(user, Syscall.Close, passed);
  }
}

/** Gives the task its fds, with their numbers and close-on-exec flags, and closes the channel in it. */
export function restoreFds(context: RestoreContext, task: RestoringTask, descriptions: OpenDescriptions): void {
  const fds = fdTableOf(context.checkpoint, task.task)?.fds ?? [];
  const channelFd = channelAbove(task, fds);
  openFilesInFlight(context, task, descriptions, channelFd);
  const unsettled: (() => void)[] = [];
  for (const entry of fds) {
    const user = `task ${task.task.pid} fd ${entry.fd}`;
    const { file, first } = descriptions.get(entry.file, user);
    const received = passFd(context, task, channelFd, file.fd, user);
    const target = BigInt(entry.fd);
    const closeOnExec = entry.flags.closeOnExec;
    if (received === target) {
      if (!closeOnExec) task.main.check(user, Syscall.Fcntl, target, F_SETFD, 0n);
    } else {
      task.main.check(`${user}: placing it`, Syscall.Dup3, received, target, closeOnExec ? O_CLOEXEC : 0n);
      task.main.check(user, Syscall.Close, received);
    }
    if (first) file.finish?.(task, target);
    const settle = file.settle;
    if (first && settle !== undefined) unsettled.push(() => settle(task, target));
  }
  unsettled.forEach((settle) => settle());
  task.main.check("closing amber's fd channel", Syscall.Close, channelFd);
}
