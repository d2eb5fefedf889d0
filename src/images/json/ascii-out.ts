const CHUNK_BYTES = 1 << 16;
const BILLION = 1e9;
const MINUS = 0x2d;
/** The most bytes a safe integer takes in decimal: a sign and 16 digits. */
const MAX_INTEGER_BYTES = 17;

/** Receives written text as bytes; it may keep `chunk`, which is never written again, unless told to be done with it on return. */
export type ChunkSink = (chunk: Buffer) => void;

/**
 * ASCII text built in a byte buffer and handed to a sink a chunk at a time:
 * rendering millions of small pieces this way leaves next to no garbage
 * behind, unlike joining or concatenating them as strings. Text goes to the
 * sink only at `settle()` and `end()`, so a writer can take back what it
 * wrote since the last one (`rewind`).
 */
export class AsciiOut {
  /** A chunk no one is using: most outputs are small, and allocating a chunk for each costs more than rendering. */
  private static spare: Buffer | undefined;
  private chunk = AsciiOut.takeChunk();
  private used = 0;
  /** Chunks filled since the last settle, held back so that `rewind` can still drop them. */
  private readonly held: Buffer[] = [];
  private heldBytes = 0;

  /** With `reuseChunks`, the sink is done with each chunk when it returns (it writes it out, say): one buffer serves for all. */
  constructor(
    private readonly sink: ChunkSink,
    private readonly reuseChunks = false,
  ) {}

  private static takeChunk(): Buffer {
    const chunk = AsciiOut.spare ?? Buffer.allocUnsafe(CHUNK_BYTES);
    AsciiOut.spare = undefined;
    return chunk;
  }

  /** Makes room for `count` more bytes, in a new chunk when this one is full. */
  private reserve(count: number): void {
    if (this.used + count <= this.chunk.length) return;
    this.held.push(this.chunk.subarray(0, this.used));
    this.heldBytes += this.used;
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, count));
    this.used = 0;
  }

  /** Appends text that is all ASCII. */
  write(text: string): void {
    const count = text.length;
    this.reserve(count);
    const chunk = this.chunk;
    let at = this.used;
    for (let i = 0; i < count; i++) chunk[at++] = text.charCodeAt(i);
    this.used = at;
  }

  /** Appends one ASCII character, given as its code. */
  byte(code: number): void {
    this.reserve(1);
    this.chunk[this.used++] = code;
  }

  /** Appends `bytes[start..end)` (all of them by default), which must be ASCII. */
  copy(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.reserve(end - start);
    const chunk = this.chunk;
    let at = this.used;
    for (let i = start; i < end; i++) chunk[at++] = bytes[i];
    this.used = at;
  }

  /** Appends a number or bigint in JavaScript's (and Python's, for integers) decimal form. */
  number(value: number | bigint): void {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return this.write(String(value));
    this.reserve(MAX_INTEGER_BYTES);
    this.used = writeInteger(this.chunk, this.used, value);
  }

  /** Appends `prefix` (ASCII), then a number as `number` does: the commonest pair, in one call. */
  numberAfter(prefix: Uint8Array, value: number | bigint): void {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      this.copy(prefix);
      return this.write(String(value));
    }
    this.reserve(prefix.length + MAX_INTEGER_BYTES);
    const chunk = this.chunk;
    let at = this.used;
    for (let i = 0; i < prefix.length; i++) chunk[at++] = prefix[i];
    this.used = writeInteger(chunk, at, value);
  }

  /** Where the text ends now: `rewind` to it drops what is written after, until the next `settle`. */
  get position(): number {
    return this.heldBytes + this.used;
  }

  rewind(position: number): void {
    while (position < this.heldBytes) {
      const last = this.held.pop() as Buffer;
      this.heldBytes -= last.length;
      this.chunk = Buffer.from(last.buffer, last.byteOffset, last.buffer.byteLength - last.byteOffset);
    }
    this.used = position - this.heldBytes;
  }

  /** Hands the text to the sink once there is a chunk's worth; positions taken before become void. */
  settle(): void {
    if (this.heldBytes + this.used >= CHUNK_BYTES) {
      this.flush();
      if (!this.reuseChunks) this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    }
  }

  /** Hands the rest of the text to the sink; nothing more may be written. */
  end(): void {
    this.flush();
    if (this.reuseChunks && this.chunk.length === CHUNK_BYTES) AsciiOut.spare = this.chunk;
  }

  private flush(): void {
    for (const chunk of this.held) this.sink(chunk);
    this.held.length = 0;
    this.heldBytes = 0;
    if (this.used > 0) this.sink(this.chunk.subarray(0, this.used));
    this.used = 0;
  }
}

/** "00", "01", ... "99" as character codes: two digits per division. */
const DIGIT_PAIRS = Buffer.from(Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0')).join(''), 'latin1');

/** Writes a safe integer in decimal at `at`; returns where it ends. */
function writeInteger(chunk: Buffer, at: number, value: number): number {
  if (value < 0) {
    chunk[at++] = MINUS;
    value = -value;
  }
  if (value < BILLION) return writeDigits(chunk, at, value, digitCount(value));
  const high = Math.floor(value / BILLION);
  return writeDigits(chunk, writeDigits(chunk, at, high, digitCount(high)), value - high * BILLION, 9);
}

/** How many decimal digits `value` (below 1e9) has. */
function digitCount(value: number): number {
  if (value < 1e4) return value < 10 ? 1 : value < 100 ? 2 : value < 1e3 ? 3 : 4;
  return value < 1e5 ? 5 : value < 1e6 ? 6 : value < 1e7 ? 7 : value < 1e8 ? 8 : 9;
}

/** Writes the decimal digits of `value` (below 1e9) at `at` as `width` digits, zero-padded; returns where they end. */
function writeDigits(chunk: Buffer, at: number, value: number, width: number): number {
  const end = at + width;
  let i = end;
  let rest = value;
  while (rest >= 100) {
    const next = (rest / 100) | 0;
    const pair = 2 * (rest - 100 * next);
    chunk[--i] = DIGIT_PAIRS[pair + 1];
    chunk[--i] = DIGIT_PAIRS[pair];
    rest = next;
  }
  if (rest >= 10) {
    chunk[--i] = DIGIT_PAIRS[2 * rest + 1];
    chunk[--i] = DIGIT_PAIRS[2 * rest];
  } else chunk[--i] = 0x30 + rest;
  while (i > at) chunk[--i] = 0x30;
  return end;
}

/** Collects the text written to an AsciiOut, as a string. */
export class TextSink {
  private readonly parts: string[] = [];
  readonly sink: ChunkSink = (chunk) => this.parts.push(chunk.toString('latin1'));

  text(): string {
    return this.parts.join('');
  }
}
