import { parsePythonInt } from './python-int';

/** Device numbers as crit prints them, "major:minor". */

const MINOR_BITS = 20n;
const MINOR_MASK = (1n << MINOR_BITS) - 1n;

/**
 * `odev` fields hold a glibc dev_t (makedev: minor bits 0-7 and 20-31,
 * major bits 8-19 and 32-43); the others the kernel's major << 20 | minor.
 */
export function formatDevice(value: number | bigint, oldFormat: boolean): string {
  const dev = BigInt(value);
  if (oldFormat) {
    const udev = BigInt.asUintN(64, dev);
    const major = ((udev & 0xfff00n) >> 8n) | ((udev & 0xfffff00000000000n) >> 32n);
    const minor = (udev & 0xffn) | ((udev & 0xffffff00000n) >> 12n);
    return `${major}:${minor}`;
  }
  return `${dev >> MINOR_BITS}:${dev & MINOR_MASK}`;
}

/** The inverse of formatDevice; `undefined` when the text is not "major:minor". */
export function parseDevice(text: string, oldFormat: boolean): bigint | undefined {
  const parts = text.split(':');
  if (parts.length !== 2) return undefined;
  const major = parsePythonInt(parts[0]);
  const minor = parsePythonInt(parts[1]);
  if (major === undefined || minor === undefined) return undefined;
  if (!oldFormat) return (major << MINOR_BITS) | minor;
  const umajor = BigInt.asUintN(32, major);
  const uminor = BigInt.asUintN(32, minor);
  return ((umajor & 0xfffn) << 8n) | ((umajor & 0xfffff000n) << 32n) | (uminor & 0xffn) | ((uminor & 0xffffff00n) << 12n);
}
