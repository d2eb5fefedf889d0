const CHUNK_BYTES = 1 << 16;

/**
 * ASCII text built in a reused byte buffer, turned into a string a chunk at
 * a time: rendering millions of small pieces this way leaves next to no
 * garbage behind, unlike joining or concatenating them as strings.
 */
export class AsciiOut {
  /** A chunk no one is using: most outputs are small, and allocating a chunk for each costs more than rendering. */
  private static spare: Buffer | undefined;
  private readonly chunk = AsciiOut.takeChunk();
  private used = 0;
  private readonly done: string[] = [];

  private static takeChunk(): Buffer {
    const chunk = AsciiOut.spare ?? Buffer.allocUnsafe(CHUNK_BYTES);
    AsciiOut.spare = undefined;
    return chunk;
  }

  /** Makes room for `count` more bytes; false when they can never fit in a chunk. */
  private reserve(count: number): boolean {
    if (this.used + count <= CHUNK_BYTES) return true;
    this.flush();
    return count <= CHUNK_BYTES;
  }

  private flush(): void {
    this.done.push(this.chunk.toString('latin1', 0, this.used));
    this.used = 0;
  }

  /** Appends text that is all ASCII. */
  write(text: string): void {
    const count = text.length;
    if (!this.reserve(count)) {
      this.done.push(text);
      return;
    }
    const chunk = this.chunk;
    let at = this.used;
    for (let i = 0; i < count; i++) chunk[at++] = text.charCodeAt(i);
    this.used = at;
  }

  /** Appends a number or bigint in JavaScript's (and Python's, for integers) decimal form. */
  number(value: number | bigint): void {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return this.write(String(value));
    this.reserve(16);
    const chunk = this.chunk;
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.used + digits;
    this.used = at;
    let rest = value;
    do {
      chunk[--at] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest !== 0);
  }

  /** Everything written, as a string; nothing more may be written. */
  text(): string {
    this.flush();
    AsciiOut.spare = this.chunk;
    return this.done.join('');
  }
}
