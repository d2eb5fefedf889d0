/**
 * A task's fd table. Each open file description is opened once by amber
 * and sent to every task that uses it over the fd channel (SCM_RIGHTS); the
 * task receives it with an injected recvmsg. The kernel installs received
 * fds at the lowest free numbers, in message order (unix(7)), so a run of
 * consecutive numbers starting at the lowest free one comes in one message,
 * each fd at its own number; any other fd is received alone and moved to its
 * number with dup3. Shared descriptions stay shared, across fds and tasks.
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
const FD_CLOEXEC = 1n;
const O_CLOEXEC = 0o2000000n;
/** struct msghdr and struct iovec. */
const MSGHDR_SIZE = 56;
const IOVEC_SIZE = 16;
/** A cmsghdr's header; its data (the ints of SCM_RIGHTS) follows, the whole padded to 8 bytes (CMSG_SPACE). */
const CMSG_DATA_OFFSET = 16;
/** The most fds one SCM_RIGHTS message carries (SCM_MAX_FD). */
const MAX_FDS_PER_MESSAGE = 253;

const controlSpace = (fds: number): number => CMSG_DATA_OFFSET + Math.ceil((4 * fds) / 8) * 8;

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
    this.context.removeNames();
    const fds = new Set<Fd>([...[...this.opened.values()].map((file) => file.fd), ...this.context.held()]);
    for (const fd of fds) close(fd);
    this.opened.clear();
  }
}

/** Passes amber's `fds` to the task in one message over the channel; returns their numbers there, in order. */
function passFds(context: RestoreContext, task: RestoringTask, channelFd: bigint, fds: readonly Fd[], user: string): bigint[] {
  sendmsg(context.channel, Buffer.from([0]), { fds: [...fds] });
  const [byte, control] = writeArguments(task.scratch, Buffer.alloc(1), Buffer.alloc(controlSpace(fds.length)));
  const iovec = Buffer.alloc(IOVEC_SIZE);
  iovec.writeBigUInt64LE(byte, 0);
  iovec.writeBigUInt64LE(1n, 8);
  const iovecAddress = task.scratch.write(iovec, task.scratch.size - MSGHDR_SIZE - IOVEC_SIZE);
  const header = Buffer.alloc(MSGHDR_SIZE);
  header.writeBigUInt64LE(iovecAddress, 16);
  header.writeBigUInt64LE(1n, 24);
  header.writeBigUInt64LE(control, 32);
  header.writeBigUInt64LE(BigInt(controlSpace(fds.length)), 40);
  const headerAddress = task.scratch.write(header, task.scratch.size - MSGHDR_SIZE);
  task.main.check(`${user}: receiving it from amber`, Syscall.Recvmsg, channelFd, headerAddress, 0n);
  const received = task.scratch.read(Number(control - task.scratch.address) + CMSG_DATA_OFFSET, 4 * fds.length);
  return fds.map((_, i) => BigInt(received.readInt32LE(4 * i)));
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
    const [passed] = passFds(context, task, channelFd, [file.fd], user);
    file.finish(task, passed);
    task.main.check(user, Syscall.Close, passed);
  }
}

/** The fd numbers a task holds while its table is being filled, to know which one the kernel gives next. */
class FdNumbers {
  private readonly taken: Set<number>;
  private lowest = 0;

  constructor(channelFd: bigint) {
    this.taken = new Set([Number(channelFd)]);
  }

  /** The number the next received fd gets. */
  get lowestFree(): number {
    while (this.taken.has(this.lowest)) this.lowest++;
    return this.lowest;
  }

  take(fd: number): void {
    this.taken.add(fd);
  }
}

/**
 * The next fds to pass in one message: a run of consecutive numbers from the
 * lowest free one, or else the next fd alone. A description comes once per
 * message: its first fd's finish may replace what amber holds for it (see
 * ./files/made-in-task.ts), and the fds after it must get the replacement.
 */
function nextBatch(fds: readonly FdEntry[], from: number, numbers: FdNumbers): FdEntry[] {
  const batch: FdEntry[] = [];
  const lowest = numbers.lowestFree;
  for (let entry = fds[from]; batch.length < MAX_FDS_PER_MESSAGE && entry?.fd === lowest + batch.length; entry = fds[from + batch.length]) {
    if (batch.some((other) => other.file === entry.file)) break;
    batch.push(entry);
  }
  return batch.length > 0 ? batch : [fds[from]];
}

/** Gives the task its fds, with their numbers and close-on-exec flags, and closes the channel in it. */
export function restoreFds(context: RestoreContext, task: RestoringTask, descriptions: OpenDescriptions): void {
  const fds = [...(fdTableOf(context.checkpoint, task.task)?.fds ?? [])].sort((a, b) => a.fd - b.fd);
  const channelFd = channelAbove(task, fds);
  openFilesInFlight(context, task, descriptions, channelFd);
  const numbers = new FdNumbers(channelFd);
  const unsettled: (() => void)[] = [];
  for (let next = 0; next < fds.length; ) {
    const batch = nextBatch(fds, next, numbers);
    next += batch.length;
    const users = batch.map((entry) => `task ${task.task.pid} fd ${entry.fd}`);
    const files = batch.map((entry, i) => descriptions.get(entry.file, users[i]));
    const passing = batch.length === 1 ? users[0] : `task ${task.task.pid} fds ${batch[0].fd}-${batch[batch.length - 1].fd}`;
    const received = passFds(context, task, channelFd, files.map(({ file }) => file.fd), passing);
    batch.forEach((entry, i) => {
      const user = users[i];
      const target = BigInt(entry.fd);
      const closeOnExec = entry.flags.closeOnExec;
      if (received[i] === target) {
        if (closeOnExec) task.main.check(user, Syscall.Fcntl, target, F_SETFD, FD_CLOEXEC);
      } else {
        task.main.check(`${user}: placing it`, Syscall.Dup3, received[i], target, closeOnExec ? O_CLOEXEC : 0n);
        task.main.check(user, Syscall.Close, received[i]);
      }
      numbers.take(entry.fd);
      const { file, first } = files[i];
      if (first) file.finish?.(task, target);
      const settle = file.settle;
      if (first && settle !== undefined) unsettled.push(() => settle(task, target));
    });
  }
  unsettled.forEach((settle) => settle());
  task.main.check("closing amber's fd channel", Syscall.Close, channelFd);
}
