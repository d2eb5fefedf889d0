/** One checkpoint as a whole: the typed model that dump builds and restore, crit and editing read. */
import type { DecodedImage } from '../images';
import { boolean, integer, optional, text } from './codecs';
import { field, optionalGroup, type Modeled, type Rules } from './fields';
import type { FileId } from './ids';
import type { FileLock } from './file-locks';
import type { IpcNamespace } from './ipc';
import type { OpenFile } from './files';
import type { SeccompFilters, TimeNamespace } from './namespaces';
import type { FileRemap, GhostFile, PipeContents, QueuedPacket } from './shared';
import type { SharedMemory } from './shared-memory';
import { taskIdsRules, type FdTable, type Task, type TaskIds } from './task';

/** inventory.img: the image set's version and the ids of the dumping task, which restore compares against. */
export interface Inventory extends Modeled {
  imageVersion: number;
  /** Fd tables are stored per table id (fdinfo-FILESID.img), not per task. */
  fdinfoPerId: boolean | undefined;
  /** Namespace images are named by namespace id, not by pid. */
  namespacesPerId: boolean | undefined;
  rootIds: TaskIds | undefined;
  rootCgroupSet: number | undefined;
  /** The security module of the dumping host (NO_LSM, SELINUX, APPARMOR). */
  securityModule: string | undefined;
  /** A UUID naming the dump run. */
  dumpRunId: string | undefined;
}

export const inventoryRules: Rules<Inventory> = {
  imageVersion: field('img_version', integer),
  fdinfoPerId: field('fdinfo_per_id', optional(boolean)),
  namespacesPerId: field('ns_per_id', optional(boolean)),
  rootIds: optionalGroup('root_ids', taskIdsRules),
  rootCgroupSet: field('root_cg_set', optional(integer)),
  securityModule: field('lsmtype', optional(text)),
  dumpRunId: field('dump_criu_run_id', optional(text)),
};

export interface Checkpoint {
  inventory: Inventory;
  /** The process tree in pstree.img order: every parent before its children, the root first. */
  tasks: Task[];
  /** Every open file description once, in files.img order. */
  files: Map<FileId, OpenFile>;
  /** Fd tables by id (ids.files of the tasks using them). */
  fdTables: Map<number, FdTable>;
  fileLocks: FileLock[];
  pipeContents: PipeContents[];
  fifoContents: PipeContents[];
  socketQueues: QueuedPacket[];
  remaps: FileRemap[];
  ghosts: GhostFile[];
  seccomp: SeccompFilters | undefined;
  /** Memfd inodes and the pages of shmem objects; none when left out. */
  sharedMemory?: SharedMemory;
  timeNamespaces: TimeNamespace[];
  /** The SysV IPC objects of each IPC namespace the tree has of its own; none when it uses the host's. */
  ipcNamespaces?: IpcNamespace[];
  /** Images the model does not describe yet, by file name, kept entry for entry. */
  otherImages: Map<string, DecodedImage>;
  /** Raw images (page contents...) by file name, and the directory they are read from. */
  rawImages: { directory: string; names: string[] };
}
