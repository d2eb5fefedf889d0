/**
 * Reading a file without moving its access time (O_NOATIME, open(2)): a
 * dump reads files of a tree that may run on, and records their times. The
 * flag is allowed to the file's owner and to CAP_FOWNER only; without it
 * the file is opened plainly.
 */
import * as fs from 'node:fs';

const { O_RDONLY, O_NONBLOCK, O_NOATIME } = fs.constants;

export function openQuietly(path: string): number {
  try {
    return fs.openSync(path, O_RDONLY | O_NONBLOCK | O_NOATIME);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
    return fs.openSync(path, O_RDONLY | O_NONBLOCK);
  }
}

export function readFileQuietly(path: string): Buffer {
  const fd = openQuietly(path);
  try {
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
