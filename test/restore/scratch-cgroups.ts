/** Cgroups a test makes for itself, by default in the v1 pids and the v2 hierarchy (those mounted and writable here), removed when it ends. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { CgroupMounts, type Hierarchy } from '../../src/proc/cgroups';

const DEFAULT_HIERARCHIES: readonly Hierarchy[] = ['pids', ''];

export class ScratchCgroups {
  private readonly mounts = new CgroupMounts();
  /** The hierarchies a test cgroup could be made in. */
  readonly hierarchies: Hierarchy[];
  private readonly made = new Set<string>();

  /** Cleans up after `t`: register it after usePrograms, so that the programs are gone first. */
  constructor(t: TestContext, wanted: readonly Hierarchy[] = DEFAULT_HIERARCHIES) {
    this.hierarchies = wanted.filter((hierarchy) => this.probe(hierarchy));
    t.after(() => this.removeAll());
  }

  /** Whether a cgroup can be made and removed in `hierarchy`. */
  private probe(hierarchy: Hierarchy): boolean {
    const directory = this.directoryOf(hierarchy, `/amber-probe-${process.pid}`);
    if (directory === undefined) return false;
    try {
      fs.mkdirSync(directory);
      fs.rmdirSync(directory);
      return true;
    } catch {
      return false;
    }
  }

  directoryOf(hierarchy: Hierarchy, cgroup: string): string | undefined {
    return this.mounts.directoryOf(hierarchy, cgroup);
  }

  /** Makes `cgroup` (and its missing parents) in every usable hierarchy. */
  make(cgroup: string): void {
    for (const hierarchy of this.hierarchies) {
      const directory = this.directoryOf(hierarchy, cgroup)!;
      fs.mkdirSync(directory, { recursive: true });
      this.remember(hierarchy, cgroup);
    }
  }

  /** Removes `cgroup` too when the test ends (amber made it). */
  remember(hierarchy: Hierarchy, cgroup: string): void {
    for (let at = cgroup; at !== '/'; at = path.posix.dirname(at)) this.made.add(this.directoryOf(hierarchy, at)!);
  }

  /** Moves process `pid` into `cgroup` in every usable hierarchy. */
  enter(cgroup: string, pid: number): void {
    for (const hierarchy of this.hierarchies) fs.writeFileSync(path.join(this.directoryOf(hierarchy, cgroup)!, 'cgroup.procs'), String(pid));
  }

  /** Removes every cgroup made or remembered, with what amber made below it, deepest first. */
  removeAll(): void {
    const deepestFirst = [...this.made].sort((a, b) => b.length - a.length);
    for (const directory of deepestFirst) {
      const root = this.hierarchies.map((hierarchy) => this.directoryOf(hierarchy, '/')!).find((mount) => directory.startsWith(`${mount}/`))!;
      removeTree(directory, root);
    }
  }
}

/** Removes a cgroup and those below it; a process still in one goes to the hierarchy's root `root`. */
function removeTree(directory: string, root: string): void {
  if (!fs.existsSync(directory)) return;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) removeTree(path.join(directory, entry.name), root);
  }
  for (const pid of fs.readFileSync(path.join(directory, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
    fs.writeFileSync(path.join(root, 'cgroup.procs'), pid);
  }
  fs.rmdirSync(directory);
}

/** /proc/PID/cgroup as it reads. */
export const cgroupFile = (pid: number): string => fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
