/** A protobuf wire-format problem at a byte offset of the buffer being read. */
export class WireError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  StartGroup = 3,
  EndGroup = 4,
  Fixed32 = 5,
}

const TWO_32 = 2 ** 32;

/** How deep messages may nest in one another (protobuf's own default limit). */
const MAX_DEPTH = 100;

const MAX_VARINT_BYTES = 10;

/** Reads protobuf wire primitives from `buf[pos..end)`. */
export class WireReader {
  private depth = 0;

  constructor(
    readonly buf: Buffer,
    public pos: number,
    public end: number,
  ) {}

  /** Starts reading another message, at `buf[pos..end)`. */
  moveTo(pos: number, end: number): void {
    this.pos = pos;
    this.end = end;
    this.depth = 0;
  }

  /** Enters a nested message ending at `end`; returns the end to restore with `leave`. */
  enter(end: number): number {
    if (++this.depth > MAX_DEPTH) throw new WireError(`messages nested more than ${MAX_DEPTH} deep`, this.pos);
    const outerEnd = this.end;
    this.end = end;
    return outerEnd;
  }

  leave(outerEnd: number): void {
    this.depth--;
    this.end = outerEnd;
  }

  /** An unsigned varint of up to 64 bits: a number when it is a safe integer, else a bigint. */
  varint(): number | bigint {
    const buf = this.buf;
    const start = this.pos;
    const last = Math.min(this.end, start + MAX_VARINT_BYTES);
    let pos = start;
    // The first four bytes' 28 bits add up in a small integer; only longer values need floating point.
    let value = 0;
    for (let shift = 0; shift < 28 && pos < last; shift += 7) {
      const byte = buf[pos++];
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return value;
      }
    }
    for (let scale = 2 ** 28; pos < last; scale *= 128) {
      const byte = buf[pos++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.pos = pos;
        return value <= Number.MAX_SAFE_INTEGER ? value : this.bigVarint(start);
      }
    }
    if (pos - start === MAX_VARINT_BYTES) throw new WireError(`varint longer than ${MAX_VARINT_BYTES} bytes`, start);
    throw new WireError('varint runs past the end of the message', start);
  }

  private bigVarint(start: number): bigint {
    let value = 0n;
    let shift = 0n;
    for (let p = start; p < this.pos; p++, shift += 7n) value |= BigInt(this.buf[p] & 0x7f) << shift;
    return BigInt.asUintN(64, value);
  }

  /** A varint known to be small (tags, lengths). */
  uint32(): number {
    const buf = this.buf;
    if (this.pos < this.end && buf[this.pos] < 0x80) return buf[this.pos++];
    const value = this.varint();
    return typeof value === 'number' ? value >>> 0 : Number(BigInt.asUintN(32, value));
  }

  fixed32(): number {
    this.need(4);
    const value = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  sfixed32(): number {
    return this.fixed32() | 0;
  }

  fixed64(): number | bigint {
    this.need(8);
    const low = this.buf.readUInt32LE(this.pos);
    const high = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    if (high < 0x200000) return high * TWO_32 + low;
    return (BigInt(high) << 32n) | BigInt(low);
  }

  float(): number {
    this.need(4);
    const value = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return value;
  }

  double(): number {
    this.need(8);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** The end offset of a length-delimited value starting here (after its length). */
  lengthDelimitedEnd(): number {
    const start = this.pos;
    const length = this.varint();
    if (typeof length !== 'number' || length > this.end - this.pos) throw new WireError(`length ${length} runs past the end of the message`, start);
    return this.pos + length;
  }

  /** Skips one value of the given wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Fixed64:
        this.need(8);
        this.pos += 8;
        return;
      case WireType.LengthDelimited:
        this.pos = this.lengthDelimitedEnd();
        return;
      case WireType.Fixed32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new WireError(`unsupported wire type ${wireType}`, this.pos);
    }
  }

  private need(bytes: number): void {
    if (this.end - this.pos < bytes) throw new WireError(`${bytes}-byte value runs past the end of the message`, this.pos);
  }
}
