/**
 * A task's resource limits, from /proc/PID/limits: readable from outside
 * whatever amber's uid, unlike prlimit(2) on another task (kernel/sys.c,
 * check_prlimit_permission), and without one injected syscall per limit.
 * proc(5): one row per resource in resource order, soft then hard limit,
 * "unlimited" for RLIM_INFINITY.
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import type { ResourceLimit } from '../model';
import { Resource } from '../sys/constants';
import type { Pid } from '../sys/types';

const RESOURCE_COUNT = Resource.Rttime + 1;
const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;
/** Where the limits start in each row, past the left-aligned name (fs/proc/base.c prints it as %-25s and a space). */
const VALUES_COLUMN = 26;

const limitValue = (text: string): bigint => (text === 'unlimited' ? RLIM_INFINITY : BigInt(text));

export function readResourceLimits(pid: Pid): ResourceLimit[] {
  const rows = fs.readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').slice(1).filter(Boolean);
  if (rows.length !== RESOURCE_COUNT) throw new AmberError(`task ${pid}: /proc/${pid}/limits has ${rows.length} limits, expected ${RESOURCE_COUNT}`);
  return rows.map((row) => {
    const [soft, hard] = row.slice(VALUES_COLUMN).trim().split(/\s+/);
    return { soft: limitValue(soft), hard: limitValue(hard) };
  });
}
