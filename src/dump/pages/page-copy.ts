/**
 * A dump's page copy, started as soon as the tree is frozen and its pages
 * are planned: in the copy thread (copy-thread.ts) when one runs, so that
 * the copy goes on while the main thread reads the rest of the tree's
 * state by injection, else on the main thread when the dump finishes it.
 *
 * Injection writes into task memory (the lifeline below each stack pointer,
 * an rseq area's rseq_cs word) and puts it back afterwards. Such pages may
 * be copied in between, so the dump copies them again once its injections
 * are over: `finish` takes them, and they are written after everything
 * begun before.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { AmberError } from '../../errors';
import { PAGE_SIZE } from '../../proc/pagemap';
import { residentBytes } from '../../proc/statm';
import { readDescendantsNow } from '../../proc/task';
import type { Pid } from '../../sys/types';
import { totalLength } from '../../sys/vm';
import { COPY_CELLS, CopyCell, type CopyJobResult, type CopyThreadData } from './copy-cells';
import { copyPages, pageRingData, pageWriterFailed, startPageWriter, type PagesCopy } from './pipelined-copy';

const PAGE = Number(PAGE_SIZE);
/** A copy thread whose count of copied pages does not move for this long has stopped. */
const STALL_MS = 30_000;
const WAIT_MS = 100;

interface CopyThread {
  cells: Int32Array;
  port: MessagePort;
}

let thread: CopyThread | undefined;

/** Starts the writer and copy threads ahead of a large copy, where a second CPU can run them. */
export function startCopyThreads(): void {
  if (os.availableParallelism() < 2) return;
  startPageWriter();
  if (thread !== undefined) return;
  const cells = new Int32Array(new SharedArrayBuffer(COPY_CELLS * Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  const data: CopyThreadData & { port: MessagePort } = { ring: pageRingData(), cells, port: port2 };
  // It lives as long as amber does, and does not keep amber running.
  new Worker(path.join(__dirname, 'copy-thread.js'), { workerData: data, transferList: [port2] }).unref();
  port1.unref();
  thread = { cells, port: port1 };
}

/** Below this much resident memory in a tree, starting the copy threads costs more than it saves. */
const COPY_THREADS_MIN_BYTES = 64 << 20;

/**
 * Gets the page copy of the tree rooted at `root` ready before it is
 * frozen: threads for a large tree, which then start while the tree is
 * frozen and planned (a thread takes tens of milliseconds to start).
 * Nothing to do, not even a look at the tree, while they run already.
 */
export function prepareToCopyPages(root: Pid): void {
  if (thread !== undefined) return;
  const bytes = readDescendantsNow(root).reduce((sum, pid) => {
    try {
      return sum + residentBytes(pid);
    } catch {
      return sum;
    }
  }, 0);
  if (bytes >= COPY_THREADS_MIN_BYTES) startCopyThreads();
}

/** Whether the copy thread has started and takes jobs. */
export const copyThreadReady = (): boolean => thread !== undefined && Atomics.load(thread.cells, CopyCell.Ready) === 1;

export class PageCopy {
  /** The copy thread this copy's jobs went to, how many jobs it had done and pages it had copied before them. */
  private background: { thread: CopyThread; doneBefore: number; pagesBefore: number; jobs: number } | null = null;
  /** Pages of the jobs begun: copying anything again is not progress. */
  private beganPages = 0;
  /** Jobs kept for the main thread when no copy thread runs. */
  private readonly pending: PagesCopy[][] = [];
  private closed = false;

  /** `onPages` hears of the pages written so far, as the copy goes. */
  constructor(private readonly onPages: (pages: number) => void) {}

  /** Whether the copy runs in the copy thread, going on while the main thread does other work. */
  get inBackground(): boolean {
    return this.background !== null;
  }

  /** Starts copying `copies`: at once in the copy thread when one runs, else when the copy finishes. */
  begin(copies: PagesCopy[]): void {
    this.beganPages += copies.reduce((sum, copy) => sum + copy.runs.reduce((pages, run) => pages + totalLength(run.ranges) / PAGE, 0), 0);
    this.post(copies);
  }

  /** Copies `copies` after everything begun, and returns once every page is written; throws if any copy failed. */
  finish(copies: PagesCopy[]): void {
    this.post(copies);
    this.closed = true;
    if (this.background === null) {
      for (const job of this.pending) for (const copy of job) copyPages(copy, (bytes) => this.onPages(bytes / PAGE));
      return;
    }
    this.await(this.background, (pages) => this.onPages(pages));
  }

  /** Stops a copy the dump gives up, and returns once the copy thread has let go of the pages files. */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.background === null) return;
    const { thread: running } = this.background;
    Atomics.store(running.cells, CopyCell.Cancel, 1);
    try {
      this.await(this.background, () => undefined);
    } catch {
      // The dump fails for another reason, which is the one to tell.
    } finally {
      Atomics.store(running.cells, CopyCell.Cancel, 0);
    }
  }

  private post(copies: PagesCopy[]): void {
    if (this.closed) throw new AmberError('the page copy has finished already');
    if (copies.length === 0) return;
    if (this.background === null && this.pending.length === 0 && thread !== undefined) {
      this.background = { thread, doneBefore: Atomics.load(thread.cells, CopyCell.JobsDone), pagesBefore: Atomics.load(thread.cells, CopyCell.Pages), jobs: 0 };
    }
    if (this.background === null) {
      this.pending.push(copies);
      return;
    }
    this.background.thread.port.postMessage(copies);
    this.background.jobs++;
  }

  /** Waits until the copy thread has done this copy's jobs, reporting pages as they come; throws the first failure. */
  private await(background: NonNullable<PageCopy['background']>, onPages: (pages: number) => void): void {
    const { cells, port } = background.thread;
    const target = background.doneBefore + background.jobs;
    let copied = 0;
    let reported = 0;
    let since = performance.now();
    const report = (): void => {
      const now = Atomics.load(cells, CopyCell.Pages) - background.pagesBefore;
      if (now === copied) return;
      copied = now;
      since = performance.now();
      const progress = Math.min(copied, this.beganPages);
      if (progress > reported) onPages(progress - reported);
      reported = progress;
    };
    for (let done = Atomics.load(cells, CopyCell.JobsDone); done < target; done = Atomics.load(cells, CopyCell.JobsDone)) {
      Atomics.wait(cells, CopyCell.JobsDone, done, WAIT_MS);
      report();
      if (performance.now() - since > STALL_MS) throw new AmberError('the page copy thread stopped');
    }
    report();
    let failure: string | null = null;
    for (let message = receiveMessageOnPort(port); message !== undefined; message = receiveMessageOnPort(port)) {
      const result = message.message as CopyJobResult;
      if (result.writerFailed) retireCopyThread();
      failure ??= result.error;
    }
    if (failure !== null) throw new AmberError(failure);
  }
}

/** The ring's writer failed, and the copy thread ended with it: the next copy starts both afresh. */
function retireCopyThread(): void {
  pageWriterFailed();
  thread?.port.close();
  thread = undefined;
}
