/** The pid sysctls the dumper and restorer need (Documentation/admin-guide/sysctl/kernel.rst). */
import * as fs from 'node:fs';
import { asPid } from '../sys/types';
import { unsigned } from './fields';
import { atLine } from './lines';
import type { Pid } from './types';

/** Parses a sysctl file holding one decimal number. */
export function parseSysctlNumber(text: string, file: string): number {
  return atLine(file, 1, () => unsigned(text.trim(), 'value'));
}

function readSysctlNumber(file: string): number {
  return parseSysctlNumber(fs.readFileSync(file, 'utf8'), file);
}

/** One more than the largest pid the kernel hands out. */
export function readPidMax(): number {
  return readSysctlNumber('/proc/sys/kernel/pid_max');
}

/** The last pid allocated in the reader's pid namespace. */
export function readNsLastPid(): Pid {
  return asPid(readSysctlNumber('/proc/sys/kernel/ns_last_pid'));
}
