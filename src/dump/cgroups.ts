/**
 * Which cgroups each thread is in. Threads in the same cgroups share a set;
 * sets are numbered from 1 in the order met, the dumper's own first
 * (inventory root_cg_set), as CRIU numbers them. cgroup.img lists every set
 * but the dumper's, each hierarchy they use, and per hierarchy the
 * directories from the tasks' cgroups down with their owners and modes.
 * Control-file values (CRIU's cgroup properties) are not recorded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DecodedImage } from '../images';
import { CGROUP_IMAGE, cgroupImage, topCgroups, type CgroupDirectory, type CgroupHierarchy, type CgroupPermissions } from '../model/cgroups';
import { CgroupMounts, controllersOf, isNamedHierarchy, readCgroups, type CgroupMembership, type Hierarchy } from '../proc/cgroups';
import { asPid, type Pid, type Tid } from '../sys/types';

const ROOT = '/';

const parentOf = (cgroup: string): string => cgroup.slice(0, cgroup.lastIndexOf('/')) || ROOT;

function permissionsOf(directory: string | undefined): CgroupPermissions | undefined {
  const stat = directory === undefined ? undefined : fs.statSync(directory, { throwIfNoEntry: false });
  return stat === undefined ? undefined : { mode: stat.mode, uid: stat.uid, gid: stat.gid };
}

/** The cgroups below `cgroup`, found in its directory `directory`. */
function cgroupsBelow(cgroup: string, directory: string): string[] {
  return fs
    .readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const child = path.posix.join(cgroup, entry.name);
      return [child, ...cgroupsBelow(child, path.join(directory, entry.name))];
    });
}

/** The directories of one hierarchy that cgroup.img records. */
class HierarchyDirectories {
  private readonly recorded = new Set<string>();
  private readonly tops: string[];

  constructor(
    private readonly hierarchy: Hierarchy,
    private readonly mounts: CgroupMounts,
    taskCgroups: readonly string[],
  ) {
    this.tops = topCgroups(taskCgroups);
    for (const cgroup of taskCgroups) {
      for (let at = cgroup; !this.tops.includes(at); at = parentOf(at)) this.recorded.add(at);
      const directory = this.directoryOf(cgroup);
      // Below a hierarchy's root lies the whole host's tree, which is not the checkpoint's.
      if (cgroup !== ROOT && directory !== undefined) cgroupsBelow(cgroup, directory).forEach((below) => this.recorded.add(below));
    }
  }

  private directoryOf(cgroup: string): string | undefined {
    return this.mounts.directoryOf(this.hierarchy, cgroup);
  }

  private directory(cgroup: string, name: string): CgroupDirectory {
    const children = [...this.recorded].filter((other) => other !== cgroup && parentOf(other) === cgroup).sort();
    return {
      name,
      children: children.map((child) => this.directory(child, path.posix.basename(child))),
      permissions: permissionsOf(this.directoryOf(cgroup)),
    };
  }

  /** The top directories (dir_name: the path without its leading '/'), each with what lies below. */
  directories(): CgroupDirectory[] {
    return this.tops.map((top) => this.directory(top, top.slice(1)));
  }
}

/** The sets of one dump, the dumper's own first. */
export class CgroupSets {
  private readonly sets: CgroupMembership[][] = [];
  private readonly ids = new Map<string, number>();
  /** The set amber runs in: inventory root_cg_set. */
  readonly dumperSet = this.idOf(readCgroups(asPid(process.pid)));

  private idOf(memberships: CgroupMembership[]): number {
    const key = JSON.stringify(memberships);
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    this.sets.push(memberships);
    this.ids.set(key, this.sets.length);
    return this.sets.length;
  }

  /** The set of thread `tid` of process `pid`. */
  setOf(pid: Pid, tid: Tid): number {
    return this.idOf(readCgroups(pid, tid));
  }

  private hierarchies(sets: readonly CgroupMembership[][]): CgroupHierarchy[] {
    const mounts = new CgroupMounts();
    const members = sets.flat();
    const names = [...new Set(members.map((member) => member.hierarchy))];
    // CRIU lists hierarchies with controllers first, then the named ones.
    const ordered = [...names.filter((name) => !isNamedHierarchy(name)), ...names.filter(isNamedHierarchy)];
    return ordered.map((hierarchy) => {
      const controllers = controllersOf(hierarchy);
      const taskCgroups = [...new Set(members.filter((member) => member.hierarchy === hierarchy).map((member) => member.path))];
      return {
        names: controllers.length > 0 ? controllers : [hierarchy],
        directories: new HierarchyDirectories(hierarchy, mounts, taskCgroups).directories(),
        threaded: undefined,
      };
    });
  }

  /** cgroup.img, unless every thread is in the dumper's own set (then there is nothing to move on restore). */
  images(): Map<string, DecodedImage> {
    const written = this.sets.flatMap((memberships, index) => (index + 1 === this.dumperSet ? [] : [{ id: index + 1, memberships }]));
    if (written.length === 0) return new Map();
    const sets = written.map(({ id, memberships }) => ({
      id,
      members: memberships.map(({ hierarchy, path: cgroup }) => ({ hierarchy, path: cgroup, namespacePrefix: undefined })),
    }));
    const hierarchies = this.hierarchies(written.map(({ memberships }) => memberships));
    return new Map([[CGROUP_IMAGE, cgroupImage({ sets, hierarchies })]]);
  }
}
