/**
 * cgroup.img: the cgroup sets the tree's threads are in (each thread's core
 * names its set by id) and the hierarchies they belong to, with the
 * directories below the tasks' cgroups. The set the dumper itself was in
 * (inventory root_cg_set) has no entry: a thread in it stays in the
 * restorer's cgroups. The image stays among the checkpoint's other images
 * and is read and written here.
 */
import { imageKindByName, type DecodedImage } from '../images';
import type { Checkpoint } from './checkpoint';
import { boolean, integer, list, optional, text } from './codecs';
import { field, fromEntry, messages, optionalGroup, toEntry, type Codec, type Modeled, type Rules } from './fields';

export const CGROUP_IMAGE = 'cgroup.img';

/** A thread's cgroup in one hierarchy. */
export interface CgroupMember extends Modeled {
  /** The hierarchy as /proc/PID/cgroup names it ("cpu,cpuacct", "name=systemd", "" for cgroup v2). */
  hierarchy: string;
  /** From the hierarchy's root. */
  path: string;
  /** Length of the path's leading part that is the root of the thread's cgroup namespace, when it has its own. */
  namespacePrefix: number | undefined;
}

/** The cgroups of one or more threads, one member per hierarchy. */
export interface CgroupSet extends Modeled {
  id: number;
  members: CgroupMember[];
}

export interface CgroupPermissions extends Modeled {
  /** st_mode, file type bits included. */
  mode: number;
  uid: number;
  gid: number;
}

/** A control file of a cgroup directory and the value it read (CRIU's cgroup property). */
export interface CgroupProperty extends Modeled {
  /** The file's name, "pids.max". */
  name: string;
  /** What it read, without its final newline ('' for cgroup.procs and tasks, whose owner and mode alone matter). */
  value: string;
  permissions: CgroupPermissions | undefined;
}

export interface CgroupDirectory extends Modeled {
  /** A top directory's path from the hierarchy root without its leading '/' ('' for the root); below it, one name. */
  name: string;
  children: CgroupDirectory[];
  properties: CgroupProperty[];
  permissions: CgroupPermissions | undefined;
}

/** One hierarchy and its directories that the checkpoint records. */
export interface CgroupHierarchy extends Modeled {
  /** Its controllers ("cpu", "cpuacct"), or its one name ("name=systemd", "" for cgroup v2). */
  names: string[];
  directories: CgroupDirectory[];
  threaded: boolean | undefined;
}

export interface Cgroups extends Modeled {
  sets: CgroupSet[];
  hierarchies: CgroupHierarchy[];
}

const permissionRules: Rules<CgroupPermissions> = {
  mode: field('mode', integer),
  uid: field('uid', integer),
  gid: field('gid', integer),
};

// Directories nest: the codec of the children looks the rules up when used.
const childDirectories: Codec<CgroupDirectory[]> = {
  read: (value) => messages(directoryRules).read(value),
  write: (directories) => messages(directoryRules).write(directories),
};

const directoryRules: Rules<CgroupDirectory> = {
  name: field('dir_name', text),
  children: field('children', childDirectories),
  properties: field(
    'properties',
    messages<CgroupProperty>({
      name: field('name', text),
      value: field('value', text),
      permissions: optionalGroup('perms', permissionRules),
    }),
  ),
  permissions: optionalGroup('dir_perms', permissionRules),
};

const cgroupRules: Rules<Cgroups> = {
  sets: field(
    'sets',
    messages<CgroupSet>({
      id: field('id', integer),
      members: field(
        'ctls',
        messages<CgroupMember>({
          hierarchy: field('name', text),
          path: field('path', text),
          namespacePrefix: field('cgns_prefix', optional(integer)),
        }),
      ),
    }),
  ),
  hierarchies: field(
    'controllers',
    messages<CgroupHierarchy>({
      names: field('cnames', list(text)),
      directories: field('dirs', childDirectories),
      threaded: field('is_threaded', optional(boolean)),
    }),
  ),
};

/** The checkpoint's cgroup.img, or undefined when it has none (every thread was in the dumper's cgroups). */
export function cgroupsOf(checkpoint: Pick<Checkpoint, 'otherImages'>): Cgroups | undefined {
  const [entry] = checkpoint.otherImages.get(CGROUP_IMAGE)?.entries ?? [];
  return entry === undefined ? undefined : fromEntry(entry, cgroupRules);
}

/** cgroup.img as an other image of a checkpoint. */
export function cgroupImage(cgroups: Cgroups): DecodedImage {
  const kind = imageKindByName('CGROUP');
  if (kind === undefined) throw new Error('no image kind CGROUP');
  return { kind, entries: [toEntry(cgroups, cgroupRules)] };
}

/** A recorded directory with its path from the hierarchy root. */
export interface RecordedDirectory {
  path: string;
  permissions: CgroupPermissions | undefined;
  properties: CgroupProperty[];
}

/** Every directory of a hierarchy, parents before their children. */
export function recordedDirectories(hierarchy: CgroupHierarchy): RecordedDirectory[] {
  const below = (parent: string, directory: CgroupDirectory): RecordedDirectory[] => {
    const path = parent === '/' ? `/${directory.name}` : `${parent}/${directory.name}`;
    return [{ path, permissions: directory.permissions, properties: directory.properties }, ...directory.children.flatMap((child) => below(path, child))];
  };
  return hierarchy.directories.flatMap((top) => below('/', top));
}

/**
 * How dump and restore treat cgroups (criu --manage-cgroups): 'ignore'
 * records and moves nothing; 'none' restores into cgroups that must exist;
 * 'props' too, and sets their recorded properties; 'soft' (the default)
 * creates the missing ones with their properties; 'full' also sets the
 * properties of those that exist; 'strict' creates every recorded cgroup
 * and fails if one exists already (but those the restorer runs in).
 */
export type CgroupMode = 'ignore' | 'none' | 'props' | 'soft' | 'full' | 'strict';

const ROOT_CGROUP = '/';

/** Whether cgroup path `cgroup` lies strictly below `above`. */
export const isBelowCgroup = (cgroup: string, above: string): boolean => cgroup !== above && (above === ROOT_CGROUP || cgroup.startsWith(`${above}/`));

/** The paths no other of `cgroups` lies above: where a hierarchy's recorded directories start. */
export function topCgroups(cgroups: readonly string[]): string[] {
  return [...new Set(cgroups)].filter((cgroup) => !cgroups.some((other) => isBelowCgroup(cgroup, other)));
}
