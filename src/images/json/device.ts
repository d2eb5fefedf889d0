import { kernelDevice, kernelDeviceParts, userDevice, userDeviceParts } from '../../sys/device';
import { parsePythonInt } from './python-int';

/** Device numbers as crit prints them, "major:minor". */

/** `odev` fields hold a glibc dev_t, the others the kernel's (see sys/device.ts). */
export function formatDevice(value: number | bigint, oldFormat: boolean): string {
  const { major, minor } = oldFormat ? userDeviceParts(value) : kernelDeviceParts(value);
  return `${major}:${minor}`;
}

/** The inverse of formatDevice; `undefined` when the text is not "major:minor". */
export function parseDevice(text: string, oldFormat: boolean): bigint | undefined {
  const parts = text.split(':');
  if (parts.length !== 2) return undefined;
  const major = parsePythonInt(parts[0]);
  const minor = parsePythonInt(parts[1]);
  if (major === undefined || minor === undefined) return undefined;
  const device = { major: Number(major), minor: Number(minor) };
  return oldFormat ? userDevice(device) : BigInt(kernelDevice(device));
}
