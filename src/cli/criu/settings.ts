import type { CgroupMode } from '../../model/cgroups';
import type { CgroupRoot } from '../../restore/cgroups';

/** What CRIU's command line asks for, as the option table fills it in, before it becomes DumpOptions or RestoreOptions. */
export interface CriuSettings {
  /** -t/--tree. */
  pid?: number;
  /** -D/--images-dir as given. */
  imagesDir?: string;
  /** -W/--work-dir as given: where relative log and pid files go (the images directory when absent). */
  workDir?: string;
  leaveRunning: boolean;
  detached: boolean;
  shellJob: boolean;
  /** -l/--file-locks. */
  fileLocks: boolean;
  /** -x/--ext-unix-sk. */
  externalUnixSockets: boolean;
  pidfile?: string;
  /** --ghost-limit: the largest unlinked file carried in the checkpoint, in bytes. */
  ghostLimit?: number;
  /** --timeout: seconds allowed for freezing the tree. */
  timeoutSeconds?: number;
  displayStats: boolean;
  /** --manage-cgroups. */
  manageCgroups?: CgroupMode;
  /** Every --cgroup-root, in order. */
  cgroupRoots?: CgroupRoot[];
  /** The logging options in a form `takeLogOptions` reads. */
  logArgs: string[];
}

export type CriuCommand = 'dump' | 'restore';

export function defaultSettings(): CriuSettings {
  return { leaveRunning: false, detached: false, shellJob: false, fileLocks: false, externalUnixSockets: false, displayStats: false, logArgs: [] };
}
