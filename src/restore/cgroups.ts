/**
 * Puts every restored task into the cgroups its checkpoint records, while
 * it is still stopped: its pid goes into cgroup.procs in each hierarchy (a
 * thread in other cgroups than its process: its tid into `tasks` on v1,
 * cgroup.threads on v2). A new task starts in amber's cgroups, which is
 * where a thread of the dumper's set (inventory root_cg_set) stays. In
 * 'soft' mode missing cgroups are made, the recorded ones below them too,
 * with their recorded control-file values, and a failed restore removes
 * them again; 'full' also sets the values of cgroups that exist, 'props'
 * only those; 'strict' fails before any task exists if a recorded cgroup
 * does (but those amber itself runs in). A hierarchy's root is the host's
 * and keeps its values.
 * --cgroup-root moves a hierarchy's top recorded cgroup elsewhere.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AmberError, fsErrorName } from '../errors';
import { logger } from '../log/logger';
import type { Checkpoint, Task } from '../model';
import { cgroupsOf, isBelowCgroup, recordedDirectories, topCgroups, type CgroupMode, type CgroupPermissions, type CgroupProperty, type Cgroups, type CgroupSet } from '../model/cgroups';
import { CgroupMounts, isNamedHierarchy, readCgroups, type CgroupMembership, type Hierarchy } from '../proc/cgroups';
import { applyProperties } from './cgroup-properties';
import type { Pid, Tid } from '../sys/types';

const log = logger('cgroups');

/** --cgroup-root [CONTROLLER:]PATH: without a controller, for every hierarchy no other root names. */
export interface CgroupRoot {
  controller: string | undefined;
  path: string;
}

/** One thread to write into one cgroup. */
interface Move {
  task: Task;
  tid: Tid;
  /** The cgroup's directory here and the file that takes the id. */
  directory: string;
  file: 'cgroup.procs' | 'tasks' | 'cgroup.threads';
}

/** A directory to have before the moves, with the owner and mode to give it if amber makes it, and its control-file values. */
interface Wanted {
  directory: string;
  permissions: CgroupPermissions | undefined;
  properties: CgroupProperty[];
}

/** Modes that make missing cgroups; the others need every cgroup to exist. */
const MAKES_CGROUPS: readonly CgroupMode[] = ['soft', 'full', 'strict'];
/** Modes that set the values of cgroups that existed before the restore. */
const SETS_EXISTING: readonly CgroupMode[] = ['props', 'full', 'strict'];

function describe(hierarchy: Hierarchy): string {
  if (hierarchy === '') return 'cgroup v2';
  return isNamedHierarchy(hierarchy) ? `cgroup hierarchy ${hierarchy}` : `cgroup controller ${hierarchy}`;
}

/** Whether `--cgroup-root CONTROLLER:...` is about `hierarchy` ("unified" names the v2 one). */
const names = (hierarchy: Hierarchy, controller: string): boolean => (hierarchy === '' ? controller === 'unified' : hierarchy.split(',').includes(controller));

/** Where each hierarchy's cgroups go: the same paths, or under the root --cgroup-root gives it. */
class Relocation {
  private readonly tops = new Map<Hierarchy, string[]>();

  constructor(
    cgroups: Cgroups,
    private readonly roots: readonly CgroupRoot[],
  ) {
    const members = cgroups.sets.flatMap((set) => set.members);
    for (const hierarchy of new Set(members.map((member) => member.hierarchy))) {
      this.tops.set(hierarchy, topCgroups(members.filter((member) => member.hierarchy === hierarchy).map((member) => member.path)));
    }
  }

  private rootFor(hierarchy: Hierarchy): string | undefined {
    const named = this.roots.find((root) => root.controller !== undefined && names(hierarchy, root.controller));
    return (named ?? this.roots.find((root) => root.controller === undefined))?.path;
  }

  /** Cgroup `cgroup` of `hierarchy` on this host. */
  of(hierarchy: Hierarchy, cgroup: string): string {
    const root = this.rootFor(hierarchy);
    const top = this.tops.get(hierarchy)?.find((candidate) => candidate === cgroup || isBelowCgroup(cgroup, candidate));
    if (root === undefined || top === undefined) return cgroup;
    const rest = top === '/' ? cgroup : cgroup.slice(top.length);
    return path.posix.join(root, rest === '/' ? '' : rest);
  }
}

/** Whether amber, in cgroups `own`, runs in `cgroup` of `hierarchy` or below it: such a cgroup exists whatever the mode. */
function holdsAmber(own: readonly CgroupMembership[], hierarchy: Hierarchy, cgroup: string): boolean {
  const path = own.find((membership) => membership.hierarchy === hierarchy)?.path;
  return path !== undefined && (path === cgroup || isBelowCgroup(path, cgroup));
}

/** The cgroup placement of one restore: planned from the checkpoint before any task exists. */
export class CgroupPlacement {
  private readonly moves: Move[] = [];
  private readonly wanted: Wanted[] = [];
  /** Directories amber made, parents first. */
  private readonly created: string[] = [];

  constructor(
    checkpoint: Checkpoint,
    private readonly mode: CgroupMode,
    roots: readonly CgroupRoot[],
  ) {
    const cgroups = cgroupsOf(checkpoint);
    if (mode === 'ignore' || cgroups === undefined) return;
    const mounts = new CgroupMounts();
    const relocation = new Relocation(cgroups, roots);
    const sets = new Map(cgroups.sets.map((set) => [set.id, set]));
    const stays = (id: number | undefined): boolean => id === undefined || id === checkpoint.inventory.rootCgroupSet;
    const amberCgroups = mode === 'strict' ? readCgroups(process.pid as Pid) : [];
    // Recorded directories first, so that one amber makes gets its recorded owner and mode.
    for (const hierarchy of cgroups.hierarchies) {
      const name = hierarchy.names.join(',');
      for (const recorded of recordedDirectories(hierarchy)) {
        const cgroup = relocation.of(name, recorded.path);
        const directory = mounts.directoryOf(name, cgroup);
        const properties = cgroup === '/' ? [] : recorded.properties;
        if (directory === undefined) continue;
        if (mode === 'strict' && !holdsAmber(amberCgroups, name, cgroup) && fs.existsSync(directory)) {
          throw new AmberError(`cgroup ${directory} already exists (with --manage-cgroups=strict amber makes every recorded cgroup itself)`);
        }
        this.wanted.push({ directory, permissions: recorded.permissions, properties });
      }
    }
    // A zombie has no core, hence no set.
    for (const task of checkpoint.tasks) {
      const processSet = task.threads[0]?.core?.cgroupSet;
      task.threads.forEach((thread, index) => {
        const id = thread.core?.cgroupSet;
        const isProcess = index === 0;
        if (stays(id) || (!isProcess && id === processSet)) return;
        const set = sets.get(id!);
        if (set === undefined) throw new AmberError(`task ${task.pid}: thread ${thread.tid} is in cgroup set ${id}, which cgroup.img does not define`);
        this.planMoves(task, thread.tid, isProcess, set, mounts, relocation);
      });
    }
    // Without cgroups to make, a missing one fails the restore before any task exists.
    if (!MAKES_CGROUPS.includes(mode)) this.wanted.forEach((wanted) => this.ensure(wanted));
  }

  private planMoves(task: Task, tid: Tid, isProcess: boolean, set: CgroupSet, mounts: CgroupMounts, relocation: Relocation): void {
    for (const { hierarchy, path: recorded } of set.members) {
      const cgroup = relocation.of(hierarchy, recorded);
      const directory = mounts.directoryOf(hierarchy, cgroup);
      if (directory === undefined) {
        if (cgroup === '/') continue;
        throw new AmberError(`task ${task.pid}: ${describe(hierarchy)} is not mounted here, so it cannot go into cgroup ${cgroup}`);
      }
      const file = isProcess ? 'cgroup.procs' : hierarchy === '' ? 'cgroup.threads' : 'tasks';
      this.moves.push({ task, tid, directory, file });
      this.wanted.push({ directory, permissions: undefined, properties: [] });
    }
  }

  /** Makes the cgroup if it is missing (and the mode allows), and sets its properties if the mode wants them. */
  private ensure({ directory, permissions, properties }: Wanted): void {
    if (fs.existsSync(directory)) {
      if (SETS_EXISTING.includes(this.mode) && !this.created.includes(directory)) applyProperties(directory, properties);
      return;
    }
    if (!MAKES_CGROUPS.includes(this.mode)) throw new AmberError(`cgroup ${directory} does not exist (with --manage-cgroups=${this.mode} amber restores into existing cgroups only)`);
    const parent = path.dirname(directory);
    if (parent !== directory) this.ensure({ directory: parent, permissions: undefined, properties: [] });
    try {
      fs.mkdirSync(directory);
      this.created.push(directory);
      if (permissions !== undefined) {
        fs.chownSync(directory, permissions.uid, permissions.gid);
        fs.chmodSync(directory, permissions.mode & 0o7777);
      }
    } catch (e) {
      throw new AmberError(`cannot make cgroup ${directory}: ${fsErrorName(e)}`);
    }
    log.info(() => `made cgroup ${directory}`);
    applyProperties(directory, properties);
  }

  /** Makes the missing cgroups and moves every task and thread into its own; all must exist, stopped. */
  place(): void {
    this.wanted.forEach((wanted) => this.ensure(wanted));
    for (const { task, tid, directory, file } of this.moves) {
      try {
        fs.writeFileSync(path.join(directory, file), String(tid));
      } catch (e) {
        throw new AmberError(`task ${task.pid}: cannot move ${tid === task.pid ? 'it' : `thread ${tid}`} into cgroup ${directory}: ${fsErrorName(e)}`);
      }
    }
    log.info(() => `moved ${new Set(this.moves.map((move) => move.tid)).size} tasks and threads into their cgroups`);
  }

  /** After a failed restore, once its tasks are gone: removes the cgroups amber made, children first. */
  removeCreated(): void {
    for (const directory of this.created.reverse()) {
      try {
        fs.rmdirSync(directory);
      } catch (e) {
        log.warn(`could not remove cgroup ${directory} made for the failed restore: ${fsErrorName(e)}`);
      }
    }
    this.created.length = 0;
  }
}
