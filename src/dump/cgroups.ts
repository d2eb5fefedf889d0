/**
 * Which cgroups each thread is in. Threads in the same cgroups share a set;
 * sets are numbered from 1 in the order met, the dumper's own first
 * (inventory root_cg_set), as CRIU numbers them. cgroup.img lists every set
 * but the dumper's, each hierarchy they use, and per hierarchy the
 * directories from the tasks' cgroups down with their owners and modes and
 * the values of their control files (CRIU's cgroup properties; see
 * ../proc/cgroup-properties.ts). A hierarchy's root belongs to the host:
 * its files are not recorded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DecodedImage } from '../images';
import { CGROUP_IMAGE, cgroupImage, topCgroups, type CgroupDirectory, type CgroupHierarchy, type CgroupPermissions, type CgroupProperty } from '../model/cgroups';
import { readProperty, recordedFiles } from '../proc/cgroup-properties';
import { CgroupMounts, controllersOf, isNamedHierarchy, readCgroups, type CgroupMembership, type Hierarchy } from '../proc/cgroups';
import { asPid, type Pid, type Tid } from '../sys/types';

const ROOT = '/';

const parentOf = (cgroup: string): string => cgroup.slice(0, cgroup.lastIndexOf('/')) || ROOT;

function permissionsOf(file: string | undefined): CgroupPermissions | undefined {
  const stat = file === undefined ? undefined : fs.statSync(file, { throwIfNoEntry: false });
  return stat === undefined ? undefined : { mode: stat.mode, uid: stat.uid, gid: stat.gid };
}

function propertiesOf(hierarchy: Hierarchy, cgroup: string, directory: string | undefined): CgroupProperty[] {
  if (cgroup === ROOT || directory === undefined) return [];
  return recordedFiles(hierarchy, directory).map((name) => ({ name, value: readProperty(directory, name), permissions: permissionsOf(path.join(directory, name)) }));
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
    const directory = this.directoryOf(cgroup);
    return {
      name,
      children: children.map((child) => this.directory(child, path.posix.basename(child))),
      properties: propertiesOf(this.hierarchy, cgroup, directory),
      permissions: permissionsOf(directory),
    };
  }

  /** The top directories (dir_name: the path without its leading '/'), each with what lies below. */
  directories(): CgroupDirectory[] {
    return this.tops.map((top) => this.directory(top, top.slice(1)));
  }
}

/** As CRIU marks a hierarchy: v1 ones move threads one by one (their `tasks` file); a v2 one if a recorded cgroup is threaded. */
function isThreaded(hierarchy: Hierarchy, directories: readonly CgroupDirectory[]): boolean {
  if (hierarchy !== '') return true;
  const threaded = (directory: CgroupDirectory): boolean =>
    directory.properties.some((property) => property.name === 'cgroup.type' && property.value === 'threaded') || directory.children.some(threaded);
  return directories.some(threaded);
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
      const directories = new HierarchyDirectories(hierarchy, mounts, taskCgroups).directories();
      return { names: controllers.length > 0 ? controllers : [hierarchy], directories, threaded: isThreaded(hierarchy, directories) };
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
