/** Integer conversions between 64-bit wire values and the numbers crit prints. */

export type Integer = number | bigint;

/** A bigint as a number when that is exact. */
export function narrow(value: bigint): Integer {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

// `| 0` and `>>> 0` take a number modulo 2^32 (ECMAScript ToInt32, ToUint32): exact for safe integers.
export function toInt32(raw: Integer): number {
  return typeof raw === 'number' ? raw | 0 : Number(BigInt.asIntN(32, raw));
}

export function toUint32(raw: Integer): number {
  return typeof raw === 'number' ? raw >>> 0 : Number(BigInt.asUintN(32, raw));
}

/** A raw unsigned 64-bit value read as two's complement. */
export function toInt64(raw: Integer): Integer {
  return typeof raw === 'number' ? raw : narrow(BigInt.asIntN(64, raw));
}

export function zigzag32(raw: Integer): number {
  const n = toUint32(raw);
  return (n >>> 1) ^ -(n & 1);
}

export function zigzag64(raw: Integer): Integer {
  if (typeof raw === 'number') return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  return narrow((raw >> 1n) ^ -(raw & 1n));
}

/** The unsigned 64-bit wire form of a signed value (two's complement). */
export function unsigned64(value: Integer): Integer {
  if (typeof value === 'number') return value >= 0 ? value : BigInt.asUintN(64, BigInt(value));
  return BigInt.asUintN(64, value);
}

export function zigzagEncode(value: Integer, bits: 32 | 64): Integer {
  const big = BigInt(value);
  return narrow(BigInt.asUintN(bits, (big << 1n) ^ (big >> BigInt(bits - 1))));
}
