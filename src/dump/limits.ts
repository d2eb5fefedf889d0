/**
 * A task's resource limits, read from inside it: prlimit(2) on another task
 * needs the caller's uid to match the target's, or CAP_SYS_RESOURCE, even
 * just to read (kernel/sys.c, check_prlimit_permission).
 */
import type { ResourceLimit } from '../model';
import { Resource } from '../sys/constants';
import type { InjectionSession } from '../sys/inject';
import { Syscall } from '../sys/syscall-numbers';

const RESOURCE_COUNT = Resource.Rttime + 1;
/** struct rlimit64: soft and hard limit. */
const RLIMIT_SIZE = 16;

export function readResourceLimits(session: InjectionSession): ResourceLimit[] {
  const scratch = session.scratch();
  return Array.from({ length: RESOURCE_COUNT }, (_, resource) => {
    session.check(Syscall.Prlimit64, 0n, BigInt(resource), 0n, scratch.address);
    const raw = scratch.read(0, RLIMIT_SIZE);
    return { soft: raw.readBigUInt64LE(0), hard: raw.readBigUInt64LE(8) };
  });
}
