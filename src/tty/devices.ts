/** Which character devices are terminals amber knows: the two sides of a Unix 98 pty, and /dev/tty (Documentation/admin-guide/devices.txt). */
import type * as fs from 'node:fs';

/** /dev/tty, which opens the caller's controlling terminal: major 5, minor 0. */
const CONTROLLING_TTY = { major: 5, minor: 0 };
/** /dev/ptmx (and each devpts mount's ptmx): major 5, minor 2. */
const PTMX = { major: 5, minor: 2 };
/** /dev/pts/N is major 136 with minor N (devpts gives out minors beyond 255 under the same major). */
const PTY_SLAVE_MAJOR = 136;

const majorOf = (rdev: number): number => Math.floor(rdev / 2 ** 32) * 0x1000 + ((rdev >>> 8) & 0xfff);
const minorOf = (rdev: number): number => (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);

export type PtySide = 'master' | 'slave';

/** The side of a pty the stat'd file is, or undefined for any other file. */
export function ptySideOf(stat: fs.Stats): PtySide | undefined {
  if (!stat.isCharacterDevice()) return undefined;
  const major = majorOf(stat.rdev);
  if (major === PTMX.major && minorOf(stat.rdev) === PTMX.minor) return 'master';
  return major === PTY_SLAVE_MAJOR ? 'slave' : undefined;
}

export const isControllingTtyDevice = (stat: fs.Stats): boolean =>
  stat.isCharacterDevice() && majorOf(stat.rdev) === CONTROLLING_TTY.major && minorOf(stat.rdev) === CONTROLLING_TTY.minor;

/** The index of a slave device: it is /dev/pts/INDEX. */
export const slaveIndexOf = (rdev: number): number => minorOf(rdev);
