import type { CgroupMode } from '../model/cgroups';
import type { DumpStats } from '../stats';
import type { Pid } from '../sys/types';

/** What `dump()` is asked to do; the CLI fills it from CRIU's options. */
export interface DumpOptions {
  /** Root of the tree to dump (-t/--tree). */
  pid: Pid;
  /** Directory the images go to (-D/--images-dir); created when missing. */
  imagesDir: string;
  /** -R/--leave-running: keep the tree running after a successful dump (default: kill it). */
  leaveRunning: boolean;
  /** --shell-job: the tree may belong to another session and use its terminal. */
  shellJob: boolean;
  /** --file-locks: dump the file locks the tree holds (else a held lock is refused, as CRIU does). */
  fileLocks?: boolean;
  /**
   * --ext-unix-sk: dump a datagram unix socket connected to a named socket
   * outside the tree, to be connected to that name again on restore (else it is refused, as CRIU does).
   */
  externalUnixSockets?: boolean;
  /** --ghost-limit: the largest unlinked file, open or mapped, whose contents the checkpoint carries (default 1 MiB, as CRIU's). */
  ghostLimit?: number;
  /** --manage-cgroups: 'ignore' records no cgroups (default: record them). */
  manageCgroups?: CgroupMode;
  /** --pidfile: where to write the root pid. */
  pidfile?: string;
  /** Called with pages done so far and in all, for a progress display. */
  onProgress?: (done: number, total: number) => void;
}

/** What a successful dump reports. */
export interface DumpResult {
  tasks: number;
  threads: number;
  /** Pages written to pages-*.img. */
  pagesWritten: number;
  /** kcmp(2) calls made to tell open file descriptions apart. */
  kcmpCalls: number;
  /** Milliseconds the tree was frozen. */
  frozenMs: number;
  /** Milliseconds of the whole dump. */
  totalMs: number;
  /** What stats-dump holds (timers in microseconds). */
  stats: DumpStats;
}
