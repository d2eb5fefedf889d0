/**
 * Control files of a cgroup directory ("properties"), read into the text a
 * checkpoint keeps of them, as CRIU keeps it: without the final newline;
 * LLONG_MAX or more as "-1" (what v1 limits take for "no limit");
 * memory.oom_control as its oom_kill_disable flag, the one writable part;
 * cgroup.procs and tasks as '' (only their owner and mode are kept).
 * Documentation/admin-guide/cgroup-v1/ and cgroup-v2.rst describe the files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Hierarchy } from './cgroups';
import { controllersOf } from './cgroups';

/** Per v1 controller, the files CRIU 4.2 records (its built-in property list), in the order they are written back. */
const V1_CONTROLLER_FILES: Readonly<Record<string, readonly string[]>> = {
  cpu: ['cpu.shares', 'cpu.cfs_period_us', 'cpu.cfs_quota_us', 'cpu.rt_period_us', 'cpu.rt_runtime_us'],
  // memsw can only be set at or above the memory limit: the memory limit goes first.
  memory: [
    'memory.limit_in_bytes',
    'memory.memsw.limit_in_bytes',
    'memory.swappiness',
    'memory.soft_limit_in_bytes',
    'memory.move_charge_at_immigrate',
    'memory.oom_control',
    'memory.use_hierarchy',
    'memory.kmem.limit_in_bytes',
    'memory.kmem.tcp.limit_in_bytes',
  ],
  // A new cpuset has no cpus or mems, and takes no task until it has both.
  cpuset: [
    'cpuset.cpus',
    'cpuset.mems',
    'cpuset.memory_migrate',
    'cpuset.cpu_exclusive',
    'cpuset.mem_exclusive',
    'cpuset.mem_hardwall',
    'cpuset.memory_spread_page',
    'cpuset.memory_spread_slab',
    'cpuset.sched_load_balance',
    'cpuset.sched_relax_domain_level',
  ],
  blkio: ['blkio.weight'],
  net_cls: ['net_cls.classid'],
  net_prio: ['net_prio.ifpriomap'],
  pids: ['pids.max'],
  devices: ['devices.list'],
};

/** Files every v1 cgroup has. */
const V1_COMMON_FILES = ['cgroup.clone_children', 'notify_on_release', 'cgroup.procs', 'tasks'];

/** The v2 cgroup's own files (CRIU's global v2 properties), then the limits of the controllers its parent gives it. */
const V2_COMMON_FILES = ['cgroup.subtree_control', 'cgroup.max.descendants', 'cgroup.max.depth', 'cgroup.freeze', 'cgroup.type'];
const V2_CONTROLLER_FILES: Readonly<Record<string, readonly string[]>> = {
  cpu: ['cpu.weight', 'cpu.max'],
  cpuset: ['cpuset.cpus', 'cpuset.mems'],
  io: ['io.weight'],
  memory: ['memory.min', 'memory.low', 'memory.high', 'memory.max', 'memory.swap.max'],
  pids: ['pids.max'],
};

/** Files whose value is not kept, only their owner and mode. */
export const MEMBERSHIP_FILES: readonly string[] = ['cgroup.procs', 'tasks'];

const LLONG_MAX = 0x7fff_ffff_ffff_ffffn;
const OOM_KILL_DISABLE = /^oom_kill_disable (\d+)/;

/** The files of cgroup directory `directory` of `hierarchy` a checkpoint records, those that exist. */
export function recordedFiles(hierarchy: Hierarchy, directory: string): string[] {
  const names =
    hierarchy === ''
      ? [...V2_COMMON_FILES, ...enabledV2Controllers(directory).flatMap((controller) => V2_CONTROLLER_FILES[controller] ?? [])]
      : [...controllersOf(hierarchy).flatMap((controller) => V1_CONTROLLER_FILES[controller] ?? []), ...V1_COMMON_FILES];
  return names.filter((name) => fs.existsSync(path.join(directory, name)));
}

/** The controllers a v2 cgroup's parent enables for it (cgroup.controllers). */
function enabledV2Controllers(directory: string): string[] {
  try {
    return fs.readFileSync(path.join(directory, 'cgroup.controllers'), 'utf8').split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

/** Turns the text of control file `name` into the value a checkpoint keeps. */
export function propertyValue(name: string, text: string): string {
  if (MEMBERSHIP_FILES.includes(name)) return '';
  const value = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (name === 'memory.oom_control') return OOM_KILL_DISABLE.exec(value)?.[1] ?? value;
  const leading = /^\s*[+-]?\d+/.exec(value);
  return leading !== null && BigInt(leading[0].trim()) >= LLONG_MAX ? '-1' : value;
}

/** The value a checkpoint keeps of control file `name` in `directory`. */
export function readProperty(directory: string, name: string): string {
  return MEMBERSHIP_FILES.includes(name) ? '' : propertyValue(name, fs.readFileSync(path.join(directory, name), 'utf8'));
}
