import * as fs from 'node:fs';
import { AmberError, describeError } from '../errors';
import { BatchingSink } from './sink';

interface PendingWrite {
  data: Buffer;
  position: number;
}

/** Past this many bytes waiting in the thread pool, a writer waits for its write (bounds memory). */
const maxPendingBytes = 16 * 1024 * 1024;

/**
 * A log file written in the background by libuv's thread pool. Every batch
 * is written at an offset fixed when it is sent, so the file's order never
 * depends on which write finishes first, and a synchronous flush can write
 * again what may still be queued: the same bytes at the same offset.
 */
export class FileSink extends BatchingSink {
  private nextPosition = 0;
  private pendingBytes = 0;
  private readonly pending = new Set<PendingWrite>();
  private waiters: (() => void)[] = [];
  private closing = false;
  private failed = false;

  private constructor(
    private readonly fd: number,
    readonly path: string,
  ) {
    super();
  }

  /** Creates or truncates `path`, readable by its owner only (as CRIU's log). */
  static open(path: string): FileSink {
    try {
      return new FileSink(fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o600), path);
    } catch (e) {
      throw new AmberError(`cannot create log file ${path}: ${describeError(e)}`);
    }
  }

  protected send(data: Buffer, sync: boolean): void {
    const write = { data, position: this.nextPosition };
    this.nextPosition += data.length;
    if (sync) {
      for (const queued of this.pending) this.writeSync(queued);
      this.writeSync(write);
    } else if (this.pendingBytes + data.length > maxPendingBytes) {
      this.writeSync(write);
    } else {
      this.pending.add(write);
      this.pendingBytes += data.length;
      this.writeAsync(write, 0);
    }
  }

  protected sent(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.flushSync();
    this.closing = true;
    // The descriptor stays open until queued writes are done: closing it could hand its number to another file.
    if (this.pending.size === 0) fs.closeSync(this.fd);
  }

  private writeAsync(write: PendingWrite, done: number): void {
    fs.write(this.fd, write.data, done, write.data.length - done, write.position + done, (error, written) => {
      if (error === null && done + written < write.data.length) {
        this.writeAsync(write, done + written);
        return;
      }
      if (error !== null) this.report(error);
      this.pending.delete(write);
      this.pendingBytes -= write.data.length;
      if (this.pending.size === 0) this.settle();
    });
  }

  private settle(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
    if (this.closing) fs.closeSync(this.fd);
  }

  private writeSync({ data, position }: PendingWrite): void {
    try {
      for (let done = 0; done < data.length; ) done += fs.writeSync(this.fd, data, done, data.length - done, position + done);
    } catch (e) {
      this.report(e);
    }
  }

  /** Tells the user once that the log is incomplete, without stopping amber. */
  private report(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    process.stderr.write(`amber: cannot write log file ${this.path}: ${describeError(e)}\n`);
  }
}
