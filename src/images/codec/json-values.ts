import { parseDevice } from '../json/device';
import { FLAG_TABLES, VALUE_TABLES, type FlagTable } from '../json/display-tables';
import { parsePythonIntAuto } from '../json/python-int';
import { decodeQuotedPrintable } from '../json/quoted-printable';
import type { EnumType, Field } from '../schema/registry';
import type { ScalarType } from '../schema/types';
import { narrow, type Integer } from './integers';

/** A JSON value that does not fit its field; `path` grows as the error leaves nested messages. */
export class FieldValueError extends Error {
  readonly path: string[] = [];
}

const RANGES: Partial<Record<ScalarType, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '...' : value);
  if (typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function unmapFlags(text: string, table: FlagTable): bigint | undefined {
  if (text === '') return 0n;
  let sum = 0n;
  for (const part of text.split('|').map((p) => p.trim())) {
    const bit = table.find(([name]) => name === part)?.[1];
    const value = bit !== undefined ? BigInt(bit) : parsePythonIntAuto(part);
    if (value === undefined) return undefined;
    sum += value;
  }
  return sum;
}

/** crit's reading of a string in an integer field: dev, then flags, then dict names, then int(text, 0). */
function integerFromText(field: Field, text: string): bigint | undefined {
  const options = field.options;
  if (options.dev === true) return parseDevice(text, options.odev === true);
  const table = options.flags === undefined ? undefined : FLAG_TABLES.get(options.flags);
  if (table !== undefined) return unmapFlags(text, table);
  if (options.dict !== undefined) {
    const names = VALUE_TABLES.get(options.dict)?.get(field.name);
    for (const [number, name] of names ?? []) if (name === text) return BigInt(number);
  }
  // Python prints a negative hex field as "0x-5" but cannot read that back; we can.
  if (text.startsWith('0x-')) {
    const magnitude = parsePythonIntAuto('0x' + text.slice(3));
    return magnitude === undefined ? undefined : -magnitude;
  }
  return parsePythonIntAuto(text);
}

export function integerFromJson(field: Field, scalar: ScalarType, value: unknown): Integer {
  const range = RANGES[scalar] as readonly [bigint, bigint];
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    if (value < range[0] || value > range[1]) throw new FieldValueError(`${value} is out of range for ${scalar}`);
    return value;
  }
  let big: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === 'bigint') big = value;
  else if (typeof value === 'string') big = integerFromText(field, value);
  if (big === undefined) throw new FieldValueError(`expected an integer, got ${describe(value)}`);
  if (big < range[0] || big > range[1]) throw new FieldValueError(`${big} is out of range for ${scalar}`);
  return narrow(big);
}

export function floatFromJson(value: unknown): number {
  if (typeof value !== 'number') throw new FieldValueError(`expected a number, got ${describe(value)}`);
  return value;
}

export function boolFromJson(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new FieldValueError(`expected true or false, got ${describe(value)}`);
  return value;
}

export function stringFromJson(value: unknown): string {
  if (typeof value !== 'string') throw new FieldValueError(`expected a string, got ${describe(value)}`);
  return value;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function bytesFromJson(field: Field, value: unknown): Buffer {
  const text = stringFromJson(value);
  if (field.options.conv === 'unix_name') {
    try {
      return decodeQuotedPrintable(text);
    } catch (e) {
      throw new FieldValueError((e as Error).message);
    }
  }
  const compact = text.replace(/[\s]/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) throw new FieldValueError(`not base64: ${describe(value)}`);
  return Buffer.from(compact, 'base64');
}

/** An enum value by name (as crit writes it) or by number. */
export function enumFromJson(type: EnumType, value: unknown): number {
  if (typeof value === 'string') {
    const number = type.numberOf.get(value);
    if (number !== undefined) return number;
  } else if (typeof value === 'number' && type.nameOf.has(value)) return value;
  throw new FieldValueError(`${describe(value)} is not a value of enum ${type.name}`);
}

export function listFromJson(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new FieldValueError(`expected a list, got ${describe(value)}`);
  return value;
}

export function objectFromJson(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldValueError(`expected an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}
