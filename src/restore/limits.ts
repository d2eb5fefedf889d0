/**
 * Resource limits, set from inside the task with prlimit(0, ...): from
 * outside, prlimit(2) needs the task's uids to be amber's or
 * CAP_SYS_RESOURCE. They are set while the task still has amber's
 * credentials, before src/restore/identity.ts gives it its own, and only
 * those that differ from what it has (amber's, inherited through clone).
 */
import { readResourceLimits } from '../proc/limits';
import { Resource } from '../sys/constants';
import { Syscall } from '../sys/syscall-numbers';
import type { RestoringTask } from './context';
import { writeArguments } from './scratch-layout';

/** struct rlimit64: soft and hard limit. */
const RLIMIT_SIZE = 16;

const limitName = (resource: number): string => `RLIMIT_${(Resource[resource] as string | undefined)?.toUpperCase() ?? resource}`;

export function restoreLimits(task: RestoringTask): void {
  const current = readResourceLimits(task.main.pid);
  task.task.process.limits.forEach((limit, resource) => {
    if (current[resource]?.soft === limit.soft && current[resource]?.hard === limit.hard) return;
    const raw = Buffer.alloc(RLIMIT_SIZE);
    raw.writeBigUInt64LE(limit.soft, 0);
    raw.writeBigUInt64LE(limit.hard, 8);
    const [address] = writeArguments(task.scratch, raw);
    task.main.check(`setting its ${limitName(resource)}`, Syscall.Prlimit64, 0n, BigInt(resource), address, 0n);
  });
}
