import type { FileHandle } from 'node:fs/promises';

const CHUNK = 1 << 20;

/** Sequential reads from a file through a 1 MiB window; never reads past the size it had when opened. */
export class FileSource {
  private window: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly size: number,
  ) {}

  /** Up to `length` bytes from the current position: fewer only at the end of the file. */
  async read(length: number): Promise<Buffer> {
    const wanted = Math.min(length, this.size - this.offset);
    if (this.window.length < wanted) await this.fill(wanted);
    const bytes = this.window.subarray(0, Math.min(wanted, this.window.length));
    this.window = this.window.subarray(bytes.length);
    this.offset += bytes.length;
    return bytes;
  }

  private async fill(wanted: number): Promise<void> {
    const filePosition = this.offset + this.window.length;
    const fetch = Math.max(wanted - this.window.length, Math.min(CHUNK, this.size - filePosition));
    const next = Buffer.allocUnsafe(this.window.length + fetch);
    this.window.copy(next);
    let filled = this.window.length;
    while (filled < next.length) {
      const { bytesRead } = await this.file.read(next, filled, next.length - filled, this.offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.window = next.subarray(0, filled);
  }
}
