/**
 * Pages copied by amber in two steps that run on two CPUs at once: the
 * filling thread reads task memory with process_vm_readv(2) into a ring of
 * small slots, and a writer thread (writer-thread.ts) writes each filled
 * slot into the pages file while the filling thread fills the next. The slots
 * stay in the CPU caches between the two copies, and amber's memory use
 * stays flat whatever the size of the task.
 *
 * process_vm_readv reaches the task's pages through the kernel's own page
 * walk. A copy through the task's address space (the task writing its own
 * memory with pwritev) was slower: on a virtual machine that tracks guest
 * page tables, a page left unused for some seconds costs a hypervisor exit
 * at its next access from the task's side. For 1 GiB of random memory into
 * tmpfs: the task's own pwritev 0.6 s (1.2 s after 20 s idle), amber's
 * read and write one after the other 0.3 s, the two steps pipelined 0.2 s.
 *
 * A thread takes about 50 ms to start, so the writer is started early
 * (`startPageWriter`) and only for copies worth it; until it runs, and on
 * one CPU, the filling thread writes its slots itself. The filling thread
 * is amber's main thread, or the copy thread (copy-thread.ts) that fills
 * the ring while the main thread goes on dumping.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AmberError, fsErrorName } from '../../errors';
import { errnoName } from '../../sys/errno';
import type { Fd, Pid } from '../../sys/types';
import { RangeBatch, readBatchInto } from '../../sys/vm';
import { RunCursor, type FileRun } from './batches';
import { PageRing, RingCell, type PageRingData } from './page-ring';

const SLOT_BYTES = 512 << 10;
const SLOT_COUNT = 8;
/** A writer that makes no progress for this long has stopped. */
const STALL_MS = 30_000;
const WAIT_MS = 200;

let ring: PageRing | undefined;
let writerRunning = false;

/** Whether the writer thread has started and writes the slots the filling thread fills. */
export const pageWriterReady = (): boolean => ring?.get(RingCell.Ready) === 1;

function pageRing(): PageRing {
  ring ??= PageRing.create(SLOT_COUNT, SLOT_BYTES);
  return ring;
}

/** The ring in shared memory, for the copy thread to fill. */
export const pageRingData = (): PageRingData => pageRing().shared;

/** Fills the main thread's ring: in the copy thread, which fills it instead. */
export function attachPageRing(data: PageRingData): void {
  ring = PageRing.attach(data);
}

/** Forgets a ring whose writer has failed and ended: a later copy starts another. */
function dropRing(): void {
  ring = undefined;
  writerRunning = false;
}

/** Starts the writer thread ahead of a large copy, where a second CPU can run it. */
export function startPageWriter(): void {
  const shared = pageRing();
  if (writerRunning || os.availableParallelism() < 2) return;
  writerRunning = true;
  // It lives as long as amber does, and does not keep amber running.
  new Worker(path.join(__dirname, 'writer-thread.js'), { workerData: shared.shared }).unref();
}

/** The pages file being written, for errors. */
export interface PagesTarget {
  fd: Fd;
  name: string;
}

/** What one copy puts into one pages file. */
export interface PagesCopy {
  pid: Pid;
  target: PagesTarget;
  runs: FileRun[];
}

function checkWriter(shared: PageRing, target: PagesTarget): void {
  const errno = shared.get(RingCell.Failed);
  if (errno === 0) return;
  dropRing();
  throw new AmberError(`cannot write ${target.name}: ${errnoName(errno)}`);
}

/** Waits until the writer has written `count` slots; throws if it fails or makes no progress. */
function waitForWritten(shared: PageRing, target: PagesTarget, count: number): void {
  let last = shared.get(RingCell.Written);
  let since = 0;
  while (last < count) {
    checkWriter(shared, target);
    if (since === 0) since = performance.now();
    shared.waitWhile(RingCell.Written, last, WAIT_MS);
    const now = shared.get(RingCell.Written);
    if (now !== last) {
      last = now;
      since = performance.now();
    } else if (performance.now() - since > STALL_MS) {
      throw new AmberError(`cannot write ${target.name}: the page writer thread stopped`);
    }
  }
  checkWriter(shared, target);
}

/** The filling thread writes a slot itself while no writer thread runs. */
function writeSlotHere(shared: PageRing, sequence: number, target: PagesTarget, position: number, length: number): void {
  try {
    shared.writeSlot(sequence, target.fd, position, length);
  } catch (e) {
    throw new AmberError(`cannot write ${target.name}: ${fsErrorName(e)}`);
  }
}

/** Whether the ring's writer has failed (and ended), the ring then being dropped. */
export function pageWriterFailed(): boolean {
  if (ring === undefined || ring.get(RingCell.Failed) === 0) return false;
  dropRing();
  return true;
}

/** The batch each slot is filled from, one per thread: a copy allocates nothing per slot. */
const batch = new RangeBatch();

/**
 * Copies the runs of `copy` into its pages file; `cancelled` is asked
 * before each slot, and a cancelled copy throws.
 */
export function copyPages(copy: PagesCopy, onBytes: (bytes: number) => void, cancelled: () => boolean = () => false): void {
  const { pid, target } = copy;
  const shared = pageRing();
  const cursor = new RunCursor(copy.runs);
  try {
    while (!cursor.finished) {
      if (cancelled()) throw new AmberError(`the copy into ${target.name} was cancelled`);
      const sequence = shared.get(RingCell.Filled);
      // A slot is free once the writer has written what it held a ring ago.
      waitForWritten(shared, target, sequence - shared.slotCount + 1);
      const position = cursor.next(batch, SLOT_BYTES);
      const read = readBatchInto(pid, batch, shared.buffer(sequence));
      if (read < batch.bytes) throw new AmberError(`task ${pid}: cannot read its memory at 0x${batch.addressAt(read).toString(16)}`);
      if (shared.get(RingCell.Ready) === 1) {
        shared.describe(sequence, target.fd, position, batch.bytes);
        shared.set(RingCell.Filled, sequence + 1);
      } else {
        writeSlotHere(shared, sequence, target, position, batch.bytes);
      }
      onBytes(batch.bytes);
    }
  } finally {
    // The fd must stay open until the writer is done with it.
    waitForWritten(shared, target, shared.get(RingCell.Filled));
  }
}
