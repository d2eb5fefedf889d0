/** /proc/PID/cmdline and /proc/PID/environ: NUL-terminated strings (proc(5)). */
import * as fs from 'node:fs';
import { type Pid, procPath } from './types';

/**
 * Splits NUL-terminated strings. A process that rewrote its argument area
 * may leave the last one unterminated; it is kept.
 */
export function parseNulSeparated(bytes: Buffer): string[] {
  if (bytes.length === 0) return [];
  const strings = bytes.toString('utf8').split('\0');
  if (strings[strings.length - 1] === '') strings.pop();
  return strings;
}

/** The arguments of a process (empty for kernel threads and zombies). */
export function readCmdline(pid: Pid): string[] {
  return parseNulSeparated(fs.readFileSync(procPath(pid, 'cmdline')));
}

/** The environment a process started with, as "NAME=value" strings. */
export function readEnviron(pid: Pid): string[] {
  return parseNulSeparated(fs.readFileSync(procPath(pid, 'environ')));
}
