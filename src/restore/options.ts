import type { CgroupMode } from '../model/cgroups';
import type { RestoreStats } from '../stats';
import type { CgroupRoot } from './cgroups';

/** What `restore()` is asked to do; the CLI fills it from CRIU's options. */
export interface RestoreOptions {
  /** Directory the images are read from (-D/--images-dir). */
  imagesDir: string;
  /** -d/--restore-detached: return once the tree runs instead of waiting for the root task. */
  detached: boolean;
  /** --shell-job: restore into the current session and terminal. */
  shellJob: boolean;
  /** --manage-cgroups (default 'soft': make missing cgroups). */
  manageCgroups?: CgroupMode;
  /** --cgroup-root: restore a hierarchy's recorded cgroups under another path. */
  cgroupRoots?: CgroupRoot[];
  /** --pidfile: the root task's pid is written here once the tree runs. */
  pidfile?: string;
  /** Called as pages are restored, with the pages restored so far and the pages the images store in all. */
  onProgress?: (done: number, total: number) => void;
  /** Called once the whole tree runs, before a restore without `detached` waits for the root task. */
  onRunning?: (result: RestoreResult) => void;
}

/** How the restored root task ended (when not detached) or where it runs (detached). */
export interface RestoreResult {
  rootPid: number;
  /** Processes of the tree, zombies included (threads not counted). */
  tasks: number;
  /** Pages read from the page images into the tasks. */
  pagesRestored: number;
  /** From reading the images to the whole tree running. */
  totalMs: number;
  /** What stats-restore holds: the time to create the tasks and to restore them, and the pages restored. */
  stats: RestoreStats;
  /** Without --restore-detached: how the root task ended. */
  exit?: { code: number } | { signal: number };
}
