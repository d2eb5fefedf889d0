/** Names of errno values, as the kernel's headers spell them. */
import * as os from 'node:os';

const ERRNO_NAMES = new Map(Object.entries(os.constants.errno).map(([name, value]) => [value, name]));

/** "ENOSPC" for 28, "errno 1234" for numbers Node has no name for. */
export function errnoName(errno: number): string {
  return ERRNO_NAMES.get(errno) ?? `errno ${errno}`;
}
