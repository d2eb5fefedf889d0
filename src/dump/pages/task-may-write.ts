/**
 * Whether a task can write its own pages into amber's pages file without
 * any effect on it that amber could not take back.
 */
import * as fs from 'node:fs';
import { readStatus } from '../../proc/status';
import { Resource, RLIM_INFINITY } from '../../sys/constants';
import type { Pid } from '../../sys/types';
import { readResourceLimits } from '../../proc/limits';

const sameText = (a: string, b: string): boolean => fs.readFileSync(a, 'utf8') === fs.readFileSync(b, 'utf8');

function sameFile(a: string, b: string): boolean {
  const [first, second] = [fs.statSync(a), fs.statSync(b)];
  return first.dev === second.dev && first.ino === second.ino;
}

/** Why task `pid` must not write its own pages, or null when it may. */
export function reasonAgainstTaskWrite(pid: Pid): string | null {
  // A filter could kill the task for openat or pwritev, or report them to a supervisor.
  if ((readStatus(pid).seccomp ?? 0) !== 0) return 'it runs under seccomp';
  // Writing past RLIMIT_FSIZE sends SIGXFSZ (setrlimit(2)).
  if (readResourceLimits(pid)[Resource.Fsize].soft !== RLIM_INFINITY) return 'its RLIMIT_FSIZE is set';
  // It opens the file as /proc/AMBER/fd/N: that path must lead where it does for amber.
  if (fs.readlinkSync(`/proc/${pid}/ns/mnt`) !== fs.readlinkSync('/proc/self/ns/mnt')) return 'it is in another mount namespace';
  if (!sameFile(`/proc/${pid}/root`, '/')) return 'its root directory is not amber’s';
  // tmpfs pages count against the memory cgroup of the task that writes them.
  if (!sameText(`/proc/${pid}/cgroup`, '/proc/self/cgroup')) return 'it is in another cgroup';
  return null;
}
