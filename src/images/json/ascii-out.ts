const CHUNK_BYTES = 1 << 16;
/** A chunk grown this big for one large entry is kept for the next output; a bigger one is let go. */
const MAX_SPARE_BYTES = 1 << 22;
const BILLION = 1e9;
const MINUS = 0x2d;

/** Receives written text as bytes; `chunk` is reused once the call returns. */
export type ChunkSink = (chunk: Buffer) => void;

/**
 * ASCII text built in a reused byte buffer and handed to a sink a chunk at a
 * time: rendering millions of small pieces this way leaves next to no
 * garbage behind, unlike joining or concatenating them as strings. Text goes
 * to the sink only at `settle()` and `end()`, so a writer can take back what
 * it wrote since the last one (`rewind`).
 */
export class AsciiOut {
  /** A chunk no one is using: most outputs are small, and allocating a chunk for each costs more than rendering. */
  private static spare: Buffer | undefined;
  private chunk = AsciiOut.takeChunk();
  private used = 0;

  constructor(private readonly sink: ChunkSink) {}

  private static takeChunk(): Buffer {
    const chunk = AsciiOut.spare ?? Buffer.allocUnsafe(CHUNK_BYTES);
    AsciiOut.spare = undefined;
    return chunk;
  }

  /** Makes room for `count` more bytes, growing the chunk when the text since the last flush needs it. */
  private reserve(count: number): void {
    if (this.used + count <= this.chunk.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.chunk.length, this.used + count));
    this.chunk.copy(grown, 0, 0, this.used);
    this.chunk = grown;
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
    this.reserve(17);
    let at = this.used;
    let magnitude = value;
    if (value < 0) {
      this.chunk[at++] = MINUS;
      magnitude = -value;
    }
    if (magnitude < BILLION) {
      this.used = writeDigits(this.chunk, at, magnitude, 0);
      return;
    }
    const high = Math.floor(magnitude / BILLION);
    this.used = writeDigits(this.chunk, writeDigits(this.chunk, at, high, 0), magnitude - high * BILLION, 9);
  }

  /** Where the text ends now: `rewind` to it drops what is written after, until the next `settle`. */
  get position(): number {
    return this.used;
  }

  rewind(position: number): void {
    this.used = position;
  }

  /** Hands the text to the sink once there is a chunk's worth; positions taken before become void. */
  settle(): void {
    if (this.used >= CHUNK_BYTES) this.flush();
  }

  /** Hands the rest of the text to the sink; nothing more may be written. */
  end(): void {
    this.flush();
    if (this.chunk.length <= MAX_SPARE_BYTES) AsciiOut.spare = this.chunk;
  }

  private flush(): void {
    if (this.used > 0) this.sink(this.chunk.subarray(0, this.used));
    this.used = 0;
  }
}

/** "00", "01", ... "99" as character codes: two digits per division. */
const DIGIT_PAIRS = Buffer.from(Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0')).join(''), 'latin1');

function digitCount(value: number): number {
  let digits = 1;
  for (let bound = 10; value >= bound && digits < 9; bound *= 10) digits++;
  return digits;
}

/** Writes the decimal digits of `value` (below 1e9) at `at`, zero-padded to `width`; returns where they end. */
function writeDigits(chunk: Buffer, at: number, value: number, width: number): number {
  const end = at + Math.max(digitCount(value), width);
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
