import { BatchingSink } from './sink';

/**
 * Logging to amber's stderr or stdout. Node writes these synchronously on
 * Linux when they are files, pipes or terminals (Node.js docs, "A note on
 * process I/O"), so a batch handed over is already written.
 */
export class StreamSink extends BatchingSink {
  constructor(private readonly stream: NodeJS.WriteStream) {
    super();
  }

  protected send(data: Buffer): void {
    this.stream.write(data);
  }

  protected sent(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    this.flushSync();
  }
}
