/** /proc/PID/statm: memory sizes in pages (proc_pid_statm(5)). */
import * as fs from 'node:fs';
import { PAGE_SIZE } from '../sys/constants';
import type { Pid } from '../sys/types';

/** Bytes of task `pid`'s memory resident in RAM: the second field of statm. */
export function residentBytes(pid: Pid): number {
  const fields = fs.readFileSync(`/proc/${pid}/statm`, 'utf8').trim().split(' ');
  return Number(fields[1]) * PAGE_SIZE;
}
