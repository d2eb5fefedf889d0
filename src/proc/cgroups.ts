/**
 * /proc/PID/cgroup (cgroups(7) "/proc/[pid]/cgroup"): the cgroup a task is
 * in for each hierarchy; and where this mount namespace has each hierarchy
 * mounted (/proc/self/mountinfo).
 */
import * as fs from 'node:fs';
import { FieldError } from './fields';
import { forEachLine } from './lines';
import { readMountInfo, type MountInfo } from './mountinfo';
import { taskPath, type Pid, type Tid } from './types';

/**
 * A hierarchy as /proc/PID/cgroup names it: its controllers ("cpu,cpuacct"),
 * "name=NAME" for a named v1 hierarchy, "" for the v2 unified one.
 */
export type Hierarchy = string;

/** One line of /proc/PID/cgroup: the task's cgroup in one hierarchy. */
export interface CgroupMembership {
  hierarchy: Hierarchy;
  /** From the hierarchy's root, as the reader's cgroup namespace sees it; always starts with '/'. */
  path: string;
}

const NAMED = 'name=';

export const isNamedHierarchy = (hierarchy: Hierarchy): boolean => hierarchy.startsWith(NAMED);

/** "ID:CONTROLLERS:PATH"; the path may itself hold colons. */
function parseLine(line: string): CgroupMembership {
  const first = line.indexOf(':');
  const second = line.indexOf(':', first + 1);
  if (first < 0 || second < 0) throw new FieldError(`expected "ID:CONTROLLERS:PATH", got "${line}"`);
  const path = line.slice(second + 1);
  if (!path.startsWith('/')) throw new FieldError(`cgroup path "${path}" does not start with /`);
  return { hierarchy: line.slice(first + 1, second), path };
}

/** Parses the text of a cgroup file, sorted by hierarchy name (the order CRIU keeps a set in). */
export function parseCgroups(text: string, file = '/proc/PID/cgroup'): CgroupMembership[] {
  const memberships: CgroupMembership[] = [];
  forEachLine(file, text, (line) => memberships.push(parseLine(line)));
  return memberships.sort((a, b) => (a.hierarchy < b.hierarchy ? -1 : a.hierarchy > b.hierarchy ? 1 : 0));
}

/** The cgroups of a process, or of one of its threads when `tid` is given. */
export function readCgroups(pid: Pid, tid?: Tid): CgroupMembership[] {
  const file = taskPath(pid, tid, 'cgroup');
  return parseCgroups(fs.readFileSync(file, 'utf8'), file);
}

/** The controllers of a hierarchy: "cpu,cpuacct" has two, a named or the unified one has none. */
export function controllersOf(hierarchy: Hierarchy): string[] {
  return hierarchy.split(',').filter((name) => name !== '' && !name.startsWith(NAMED));
}

function mountsHierarchy(mount: MountInfo, hierarchy: Hierarchy): boolean {
  if (hierarchy === '') return mount.fsType === 'cgroup2';
  if (mount.fsType !== 'cgroup') return false;
  return hierarchy.split(',').every((part) => mount.superOptions.includes(part));
}

/** Where the hierarchies are mounted in amber's mount namespace. */
export class CgroupMounts {
  private readonly mounts = readMountInfo(process.pid as Pid).filter((mount) => mount.fsType === 'cgroup' || mount.fsType === 'cgroup2');

  /** The directory that is cgroup `path` of `hierarchy` here, or undefined when no mount shows it. */
  directoryOf(hierarchy: Hierarchy, path: string): string | undefined {
    for (const mount of this.mounts) {
      if (!mountsHierarchy(mount, hierarchy)) continue;
      // A mount of a sub-cgroup (its root is not /) shows only the paths below that root.
      const root = mount.root === '/' ? '' : mount.root;
      if (path === root || path.startsWith(`${root}/`) || root === '') return mount.mountPoint + (path === '/' ? '' : path.slice(root.length));
    }
    return undefined;
  }
}
