/** Conversions between the images API's JSON values and the model's typed values. */
import { type Codec, FieldError, listValues } from './fields';

function describe(value: unknown): string {
  return typeof value === 'bigint' ? `${value}` : (JSON.stringify(value) ?? 'nothing');
}

/** A 32-bit (or smaller) integer field. */
export const integer: Codec<number> = {
  read(value) {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new FieldError(`expected an integer, got ${describe(value)}`);
    return value;
  },
  write: (value) => value,
};

/** A 64-bit field: the images API gives a number when it is exact, a bigint otherwise. */
export const bigInteger: Codec<bigint> = {
  read(value) {
    if (typeof value === 'bigint') return value;
    return BigInt(integer.read(value));
  },
  write: (value) => (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value),
};

export const text: Codec<string> = {
  read(value) {
    if (typeof value !== 'string') throw new FieldError(`expected a string, got ${describe(value)}`);
    return value;
  },
  write: (value) => value,
};

export const boolean: Codec<boolean> = {
  read(value) {
    if (typeof value !== 'boolean') throw new FieldError(`expected true or false, got ${describe(value)}`);
    return value;
  },
  write: (value) => value,
};

/** A `bytes` field (base64 in the images API's JSON). */
export const bytes: Codec<Buffer> = {
  read: (value) => Buffer.from(text.read(value), 'base64'),
  write: (value) => value.toString('base64'),
};

/** An integer field read as a branded identifier (Pid, Fd, FileId...). */
export function identifier<T extends number>(): Codec<T> {
  return integer as unknown as Codec<T>;
}

export function optional<T>(codec: Codec<T>): Codec<T | undefined> {
  return {
    read: (value) => (value === undefined ? undefined : codec.read(value)),
    write: (value) => (value === undefined ? undefined : codec.write(value)),
  };
}

/** A repeated scalar field; an empty list is written as no field at all, as protobuf does. */
export function list<T>(codec: Codec<T>): Codec<T[]> {
  return {
    read: (value) => listValues(value).map((item) => codec.read(item)),
    write: (items) => (items.length === 0 ? undefined : items.map((item) => codec.write(item))),
  };
}

/** A field that is 0 for "none". */
export function zeroIsNone<T extends number>(): Codec<T | undefined> {
  return {
    read: (value) => (integer.read(value) === 0 ? undefined : (value as T)),
    write: (value) => value ?? 0,
  };
}

/** An enum field, which the images API gives by its name in the schema. */
export function enumName<N extends string>(names: readonly N[]): Codec<N> {
  return {
    read(value) {
      const name = text.read(value);
      if (!(names as readonly string[]).includes(name)) throw new FieldError(`unknown value ${describe(value)}`);
      return name as N;
    },
    write: (value) => value,
  };
}

/** A number that stands for one of a few named values. */
export function namedNumber<N extends string>(values: Readonly<Record<N, number>>): Codec<N> {
  const names = new Map(Object.entries(values).map(([name, number]) => [number as number, name as N]));
  return {
    read(value) {
      const name = names.get(integer.read(value));
      if (name === undefined) throw new FieldError(`unknown value ${describe(value)}`);
      return name;
    },
    write: (name) => values[name],
  };
}

/** A bit set with named bits; bits without a name are kept in `otherBits`. */
export type Flags<N extends string> = { readonly [K in N]: boolean } & { readonly otherBits: number };

/** A 32-bit flags field as named booleans. */
export function flags<N extends string>(bits: Readonly<Record<N, number>>): Codec<Flags<N>> {
  const entries = Object.entries(bits) as [N, number][];
  const known = entries.reduce((all, [, bit]) => all | bit, 0);
  return {
    read(value) {
      const raw = integer.read(value);
      const named = Object.fromEntries(entries.map(([name, bit]) => [name, (raw & bit) !== 0]));
      return { ...named, otherBits: (raw & ~known) >>> 0 } as Flags<N>;
    },
    write: (value) => entries.reduce((raw, [name, bit]) => (value[name] ? raw | bit : raw), value.otherBits) >>> 0,
  };
}

/** A 64-bit set stored as 32-bit words, lowest first (capability sets). */
export const wordSet: Codec<bigint> = {
  read: (value) => list(integer).read(value).reduceRight((set, word) => (set << 32n) | BigInt(word >>> 0), 0n),
  write: (set) => [Number(set & 0xffffffffn), Number((set >> 32n) & 0xffffffffn)],
};
