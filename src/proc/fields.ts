/** Readers for the fields of procfs text, in the radix and layout the kernel prints them. */
import { asFd, asPid, asTid } from '../sys/types';
import { kernelDeviceParts } from '../sys/device';
import type { Device, Fd, Pid, Tid } from './types';

/** A malformed field; the caller adds the file and line. */
export class FieldError extends Error {}

const DIGITS: Record<number, RegExp> = {
  8: /^[0-7]+$/,
  10: /^[0-9]+$/,
  16: /^[0-9a-fA-F]+$/,
};

function checkDigits(token: string | undefined, radix: 8 | 10 | 16, what: string): string {
  if (token === undefined) throw new FieldError(`missing ${what}`);
  if (!DIGITS[radix].test(token)) throw new FieldError(`${what} is not a base-${radix} number: "${token}"`);
  return token;
}

/** An unsigned number that fits a double exactly. */
export function unsigned(token: string | undefined, what: string, radix: 8 | 10 | 16 = 10): number {
  const digits = checkDigits(token, radix, what);
  const value = parseInt(digits, radix);
  if (!Number.isSafeInteger(value)) throw new FieldError(`${what} is too large: "${token}"`);
  return value;
}

export const pid = (token: string | undefined, what: string): Pid => asPid(unsigned(token, what));
export const tid = (token: string | undefined, what: string): Tid => asTid(unsigned(token, what));
export const fd = (token: string | undefined, what: string): Fd => asFd(unsigned(token, what));

/** A possibly negative decimal number. */
export function signed(token: string | undefined, what: string): number {
  if (token !== undefined && token.startsWith('-')) return -unsigned(token.slice(1), what);
  return unsigned(token, what);
}

/** An unsigned 64-bit number. */
export function unsigned64(token: string | undefined, what: string, radix: 10 | 16 = 10): bigint {
  const digits = checkDigits(token, radix, what);
  return BigInt(radix === 16 ? `0x${digits}` : digits);
}

/** "MAJOR:MINOR" with both parts in `radix` (hex in maps and locks, decimal in mountinfo). */
export function device(token: string | undefined, what: string, radix: 10 | 16): Device {
  const parts = (token ?? '').split(':');
  if (parts.length !== 2) throw new FieldError(`${what} is not MAJOR:MINOR: "${token ?? ''}"`);
  return { major: unsigned(parts[0], `${what} major`, radix), minor: unsigned(parts[1], `${what} minor`, radix) };
}

/** The kernel's internal dev_t (major << 20 | minor), printed by fdinfo as "sdev". */
export function kernelDeviceField(token: string | undefined, what: string): Device {
  return kernelDeviceParts(unsigned(token, what, 16));
}

/** Splits "Key:<spaces or tab>value" at the first colon; the value is trimmed. */
export function keyValue(line: string): [key: string, value: string] {
  const colon = line.indexOf(':');
  if (colon <= 0) throw new FieldError(`expected "key: value", got "${line}"`);
  return [line.slice(0, colon), line.slice(colon + 1).trim()];
}

/** Reads "name:value" pairs separated by spaces, as in fdinfo's tfd/inotify/fanotify lines. */
export function namedFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  const pattern = /([\w-]+):\s*(\S+)/g;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) fields.set(m[1], m[2]);
  return fields;
}

/** Replaces the kernel's three-digit octal escapes ("\040" for a space) with the characters. */
export function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, code: string) => String.fromCharCode(parseInt(code, 8)));
}

/** Looks up a key that must be present. */
export function required(fields: ReadonlyMap<string, string>, key: string): string {
  const value = fields.get(key);
  if (value === undefined) throw new FieldError(`missing "${key}"`);
  return value;
}

/** "0-3,8,10-11" -> [0, 1, 2, 3, 8, 10, 11] (the kernel's "%*pbl" list format). */
export function numberList(text: string, what: string): number[] {
  const result: number[] = [];
  if (text === '') return result;
  for (const range of text.split(',')) {
    const [first, last = first] = range.split('-');
    const from = unsigned(first, what);
    const to = unsigned(last, what);
    for (let n = from; n <= to; n++) result.push(n);
  }
  return result;
}

/** A token that must be one of a fixed set of words. */
export function oneOf<T extends string>(token: string | undefined, allowed: readonly T[], what: string): T {
  const found = allowed.find((word) => word === token);
  if (found === undefined) throw new FieldError(`unknown ${what} "${token ?? ''}"`);
  return found;
}
