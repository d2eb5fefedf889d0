import { Buffer } from 'node:buffer';

/** Where formatted log lines go. */
export interface LogSink {
  write(line: string): void;
  /** Writes every line so far before returning: for exit paths and signal handlers. */
  flushSync(): void;
  /** Resolves once every line so far has reached the destination. */
  flush(): Promise<void>;
  /** Flushes, then releases the destination. */
  close(): void;
}

const batchBytes = 64 * 1024;

/**
 * Collects lines in a 64 KiB buffer and hands it on in one piece when it is
 * full or when the event loop next turns, whichever comes first.
 */
export abstract class BatchingSink implements LogSink {
  private batch = Buffer.allocUnsafe(batchBytes);
  private used = 0;
  private flushQueued = false;

  /** Takes ownership of `data`; `sync` asks for it to be written before returning. */
  protected abstract send(data: Buffer, sync: boolean): void;

  /** Resolves when everything sent has been written. */
  protected abstract sent(): Promise<void>;

  abstract close(): void;

  write(line: string): void {
    // One UTF-16 code unit never takes more than 3 bytes of UTF-8.
    const worstCase = line.length * 3;
    if (this.used + worstCase > this.batch.length) {
      this.sendBatch(false);
      if (worstCase > this.batch.length) {
        this.send(Buffer.from(line), false);
        return;
      }
    }
    this.used += this.batch.write(line, this.used);
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(this.onNextTurn);
    }
  }

  flushSync(): void {
    this.sendBatch(true);
  }

  flush(): Promise<void> {
    this.sendBatch(false);
    return this.sent();
  }

  private readonly onNextTurn = (): void => {
    this.flushQueued = false;
    this.sendBatch(false);
  };

  private sendBatch(sync: boolean): void {
    if (this.used === 0) return;
    const data = this.batch.subarray(0, this.used);
    this.batch = Buffer.allocUnsafe(batchBytes);
    this.used = 0;
    this.send(data, sync);
  }
}
