/**
 * Writes a cgroup's recorded control-file values back, in recorded order,
 * leaving alone any that already reads the same (some, like
 * memory.use_hierarchy, refuse a write once the cgroup has children even
 * when nothing would change). Two files are written otherwise than they
 * read (cgroup-v1/devices.rst, cgroup-v2.rst): devices.list through
 * devices.deny and devices.allow, cgroup.subtree_control as +/- controller
 * names. Recorded owners and modes go to the files too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AmberError, fsErrorName } from '../errors';
import { logger } from '../log/logger';
import type { CgroupPermissions, CgroupProperty } from '../model/cgroups';
import { MEMBERSHIP_FILES, readProperty } from '../proc/cgroup-properties';

const log = logger('cgroups');

const words = (value: string): string[] => value.split(/\s+/).filter(Boolean);

function setPermissions(file: string, permissions: CgroupPermissions | undefined): void {
  if (permissions === undefined) return;
  const stat = fs.statSync(file);
  if (stat.uid !== permissions.uid || stat.gid !== permissions.gid) fs.chownSync(file, permissions.uid, permissions.gid);
  if ((stat.mode & 0o7777) !== (permissions.mode & 0o7777)) fs.chmodSync(file, permissions.mode & 0o7777);
}

/** The writes that turn `current` into `wanted`: one [file, text] pair each. */
function writesFor(name: string, current: string, wanted: string): [string, string][] {
  if (name === 'devices.list') return [['devices.deny', 'a'], ...wanted.split('\n').filter(Boolean).map((rule): [string, string] => ['devices.allow', rule])];
  if (name === 'cgroup.subtree_control') {
    const [had, want] = [words(current), words(wanted)];
    const changes = [...want.filter((controller) => !had.includes(controller)).map((controller) => `+${controller}`), ...had.filter((controller) => !want.includes(controller)).map((controller) => `-${controller}`)];
    return [[name, changes.join(' ')]];
  }
  return [[name, wanted]];
}

/** Gives cgroup directory `directory` its recorded properties. */
export function applyProperties(directory: string, properties: readonly CgroupProperty[]): void {
  for (const { name, value, permissions } of properties) {
    const file = path.join(directory, name);
    try {
      if (!MEMBERSHIP_FILES.includes(name)) {
        const current = readProperty(directory, name);
        if (current !== value) {
          for (const [target, text] of writesFor(name, current, value)) fs.writeFileSync(path.join(directory, target), text);
          log.debug(() => `set ${file} to ${JSON.stringify(value)} (was ${JSON.stringify(current)})`);
        }
      }
      setPermissions(file, permissions);
    } catch (e) {
      throw new AmberError(`cannot set cgroup property ${file} to ${JSON.stringify(value)}: ${fsErrorName(e)}`);
    }
  }
}
