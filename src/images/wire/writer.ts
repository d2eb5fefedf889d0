import type { WireType } from './reader';

/** Appends protobuf wire primitives to a growing buffer. */
export class WireWriter {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** An unsigned varint; `value` must be in [0, 2^64). */
  varint(value: number | bigint): void {
    this.ensure(10);
    if (typeof value === 'number' && value < 0x80) {
      this.buf[this.pos++] = value;
      return;
    }
    if (typeof value === 'number' && value <= Number.MAX_SAFE_INTEGER) {
      while (value >= 0x80) {
        this.buf[this.pos++] = (value % 0x80) | 0x80;
        value = Math.floor(value / 0x80);
      }
      this.buf[this.pos++] = value;
      return;
    }
    let big = BigInt(value);
    while (big >= 0x80n) {
      this.buf[this.pos++] = Number(big & 0x7fn) | 0x80;
      big >>= 7n;
    }
    this.buf[this.pos++] = Number(big);
  }

  tag(fieldNumber: number, wireType: WireType): void {
    this.varint(fieldNumber * 8 + wireType);
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
  }

  fixed64(value: number | bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value)), this.pos);
    this.pos += 8;
  }

  float(value: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(value, this.pos);
    this.pos += 4;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Starts a length-delimited value; returns the mark to pass to `endLength`. */
  beginLength(): number {
    this.ensure(1);
    this.pos++;
    return this.pos;
  }

  /** Writes the length of everything since `mark` in front of it, moving it if the length needs more than a byte. */
  endLength(mark: number): void {
    const length = this.pos - mark;
    if (length < 0x80) {
      this.buf[mark - 1] = length;
      return;
    }
    let lengthBytes = 1;
    for (let rest = length; rest >= 0x80; rest = Math.floor(rest / 0x80)) lengthBytes++;
    this.ensure(lengthBytes - 1);
    this.buf.copyWithin(mark - 1 + lengthBytes, mark, this.pos);
    const end = this.pos + lengthBytes - 1;
    this.pos = mark - 1;
    this.varint(length);
    this.pos = end;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
