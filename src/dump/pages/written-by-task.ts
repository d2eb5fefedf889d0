/**
 * Pages the task writes itself: in one injection session on its main
 * thread it opens the pages file amber holds open (as /proc/AMBER/fd/N),
 * writes its own page ranges with pwritev(2), as many iovecs as the
 * session's scratch memory holds per call, and closes the file. One copy,
 * at the file system's write speed, and no buffer in amber.
 *
 * Only when a lifeline guards the thread, told to close the fd should
 * amber vanish; the fd is known before the open: openat(2) takes the
 * lowest free number, and the task's threads are all stopped. Anything
 * unusual (no lifeline, a failed open, an fd other than foreseen, a short
 * write) ends the attempt; amber copies the rest itself.
 *
 * The session itself changes two places of the thread's memory while the
 * task writes: the lifeline borrows the stack below its stack pointer, and
 * the kernel refreshes the cpu fields of its rseq area whenever it returns
 * to user space (rseq(2)). Amber copies those again once the session is over.
 */
import * as fs from 'node:fs';
import { logger } from '../../log/logger';
import { readMaps } from '../../proc/maps';
import { O_CLOEXEC, PAGE_SIZE } from '../../sys/constants';
import { InjectionSession } from '../../sys/inject';
import { Lifeline } from '../../sys/lifeline';
import * as ptrace from '../../sys/ptrace';
import { parseGpRegs } from '../../sys/regs';
import type { AddressRange, ScratchPage } from '../../sys/scratch';
import { Syscall } from '../../sys/syscall-numbers';
import type { Fd, Pid } from '../../sys/types';
import type { MemoryRange } from '../../sys/vm';
import { piecesWithin, RangeCursor, totalBytes } from './batches';
import { copyThroughBuffer } from './buffer-copy';
import { reasonAgainstTaskWrite } from './task-may-write';

const log = logger('dump');
const AT_FDCWD = -100n;
const O_WRONLY = 1;
const IOVEC_SIZE = 16;
/** Bytes of the first pwritev: at a slow disk's 10 MB/s still well within the 10 s amber waits for an injected syscall to stop. */
const FIRST_CALL_BYTES = 32 << 20;
/** Each later call is sized to take about this long at the speed of the one before: fewer, longer calls on fast storage. */
const CALL_TARGET_MS = 1000;
const MAX_CALL_BYTES = 1 << 30;

/** The size of the next call, in whole pages, from how fast the last one wrote. */
function nextCallBytes(bytes: number, ms: number): number {
  const wanted = ms > 0 ? (bytes / ms) * CALL_TARGET_MS : MAX_CALL_BYTES;
  const pages = Math.floor(Math.min(Math.max(wanted, FIRST_CALL_BYTES), MAX_CALL_BYTES) / PAGE_SIZE);
  return pages * PAGE_SIZE;
}

function lowestFreeFd(pid: Pid): number {
  const used = new Set(fs.readdirSync(`/proc/${pid}/fd`).map(Number));
  let fd = 0;
  while (used.has(fd)) fd++;
  return fd;
}

/** struct iovec[] for `ranges`. */
function iovecs(ranges: readonly MemoryRange[]): Buffer {
  const raw = Buffer.alloc(ranges.length * IOVEC_SIZE);
  ranges.forEach((range, i) => {
    raw.writeBigUInt64LE(range.addr, i * IOVEC_SIZE);
    raw.writeBigUInt64LE(BigInt(range.len), i * IOVEC_SIZE + 8);
  });
  return raw;
}

/** pwritev calls from file offset 0 until done or one falls short; returns the bytes written in whole pages. */
function writeRanges(session: InjectionSession, scratch: ScratchPage, fd: bigint, ranges: readonly MemoryRange[], onBytes: (bytes: number) => void): number {
  let written = 0;
  let callBytes = FIRST_CALL_BYTES;
  const cursor = new RangeCursor(ranges);
  while (!cursor.finished) {
    const batch = cursor.next(callBytes, Math.floor(scratch.size / IOVEC_SIZE));
    const bytes = totalBytes(batch);
    const started = performance.now();
    const result = session.syscall(Syscall.Pwritev, fd, scratch.write(iovecs(batch)), BigInt(batch.length), BigInt(written), 0n);
    if (result !== BigInt(bytes)) {
      log.debug(() => `task ${session.pid}: pwritev of ${bytes} bytes returned ${result}; amber copies the rest`);
      // A part page is written again by amber.
      return written + (result > 0n ? Number(result) - (Number(result) % PAGE_SIZE) : 0);
    }
    callBytes = nextCallBytes(bytes, performance.now() - started);
    written += bytes;
    onBytes(bytes);
  }
  return written;
}

/** Opens amber's `fd` in the task, guarded by the lifeline, writes through it and closes it. */
function writeThroughOpenedFile(session: InjectionSession, fd: Fd, ranges: readonly MemoryRange[], onBytes: (bytes: number) => void): number {
  const tid = session.tid;
  const foreseen = lowestFreeFd(session.pid);
  if (!Lifeline.closeOnLoss(tid, foreseen)) return 0;
  try {
    const scratch = session.scratch();
    const path = scratch.write(Buffer.from(`/proc/${fs.readlinkSync('/proc/self')}/fd/${fd}\0`));
    const opened = session.syscall(Syscall.Openat, AT_FDCWD, path, BigInt(O_WRONLY | O_CLOEXEC), 0n);
    if (opened < 0n) {
      log.debug(() => `task ${session.pid}: cannot open the pages file (${opened}); amber copies the pages`);
      return 0;
    }
    try {
      if (opened === BigInt(foreseen)) return writeRanges(session, scratch, opened, ranges, onBytes);
      log.debug(() => `task ${session.pid}: the pages file opened as fd ${opened}, not ${foreseen}; amber copies the pages`);
      return 0;
    } finally {
      session.check(Syscall.Close, opened);
    }
  } finally {
    Lifeline.closeOnLoss(tid, null);
  }
}

/**
 * Has task `pid`, frozen, write `ranges` of its memory back to back into
 * amber's `fd` from file offset 0; returns how many bytes it wrote, a
 * whole number of pages, 0 when it could not.
 */
export function writtenByTask(pid: Pid, fd: Fd, ranges: readonly MemoryRange[], onBytes: (bytes: number) => void): number {
  const reason = reasonAgainstTaskWrite(pid);
  if (reason !== null) {
    log.debug(() => `task ${pid}: amber copies the pages: ${reason}`);
    return 0;
  }
  const session = InjectionSession.open(pid, pid);
  let written = 0;
  try {
    if (session.protected) written = writeThroughOpenedFile(session, fd, ranges, onBytes);
    else log.debug(() => `task ${pid}: amber copies the pages: no lifeline would close the file should amber die`);
  } finally {
    session.close();
  }
  if (written > 0) copyAgain(pid, fd, ranges, changedBySession(pid));
  return written;
}

/** Where an injection session into the main thread changes its memory: the mapping that holds its stack pointer, and its rseq area. */
function changedBySession(pid: Pid): AddressRange[] {
  const rsp = parseGpRegs(ptrace.getRegs(pid)).rsp;
  const stack = readMaps(pid).find((vma) => vma.start <= rsp && rsp <= vma.end);
  const rseq = ptrace.getRseqConfiguration(pid);
  return [...(stack === undefined ? [] : [stack]), ...(rseq.rseqAbiPointer === 0n ? [] : [{ start: rseq.rseqAbiPointer, end: rseq.rseqAbiPointer + BigInt(rseq.rseqAbiSize) }])];
}

/** Copies the parts of `ranges` inside `spans` again, where they lie in the file. */
function copyAgain(pid: Pid, fd: Fd, ranges: readonly MemoryRange[], spans: readonly AddressRange[]): void {
  for (const span of spans) {
    for (const { range, offset } of piecesWithin(ranges, span.start, span.end)) copyThroughBuffer(pid, fd, [range], offset, () => {});
  }
}
