/** A process of the checkpointed tree: its place in the tree, its threads and its per-process images. */
import { flags, identifier, integer, list, optional, text, zeroIsNone, type Flags } from './codecs';
import { field, type Modeled, type Rules } from './fields';
import { asTid, type Fd, type FileId, type Pid, type Tid } from './ids';
import type { Memory } from './memory';
import type { PageMap } from './pagemap';
import type { Process } from './process';
import type { Thread } from './thread';

/** Which kernel objects a task uses (ids-PID.img); tasks that share one (CLONE_FILES, CLONE_VM...) have the same id. */
export interface TaskIds extends Modeled {
  memory: number | undefined;
  files: number | undefined;
  fs: number | undefined;
  signalHandlers: number | undefined;
  pidNamespace: number | undefined;
  netNamespace: number | undefined;
  ipcNamespace: number | undefined;
  utsNamespace: number | undefined;
  mountNamespace: number | undefined;
  userNamespace: number | undefined;
  cgroupNamespace: number | undefined;
  timeNamespace: number | undefined;
}

/** Working directory, root and umask (fs-PID.img). */
export interface FsState extends Modeled {
  cwd: FileId;
  root: FileId;
  umask: number;
}

export interface Task extends Modeled {
  pid: Pid;
  /** Undefined for the tree's root. */
  parent: Pid | undefined;
  pgid: Pid;
  sid: Pid;
  /** In the tree's order; a zombie's single thread is the task itself, whatever tid it lists (see threadIdOf). */
  threads: Thread[];
  process: Process;
  /** Undefined for a zombie, as are fs, memory and pageMap. */
  ids: TaskIds | undefined;
  fs: FsState | undefined;
  memory: Memory | undefined;
  pageMap: PageMap | undefined;
}

/** A zombie (stored as 'dead') has no memory, files or threads of its own: only its exit status. */
export const isZombie = (task: Pick<Task, 'process'>): boolean => task.process.state === 'dead' || task.process.state === 'zombie';

/**
 * The id a thread has. A zombie's one listed thread means nothing: amber
 * and CRIU's older dumps list 0, CRIU 4.2 leaves the value unset. Its one
 * thread is the task itself, whose core image is core-PID.img.
 */
export const threadIdOf = (task: Pick<Task, 'pid' | 'process'>, thread: Pick<Thread, 'tid'>): Tid =>
  isZombie(task) || thread.tid === 0 ? asTid(task.pid) : thread.tid;

/** A task's entry in pstree.img. */
export interface TreeEntry extends Modeled {
  pid: Pid;
  parent: Pid | undefined;
  pgid: Pid;
  sid: Pid;
  threadIds: Tid[];
}

const pid = identifier<Pid>();
const optionalId = optional(integer);

export const treeEntryRules: Rules<TreeEntry> = {
  pid: field('pid', pid),
  parent: field('ppid', zeroIsNone<Pid>()),
  pgid: field('pgid', pid),
  sid: field('sid', pid),
  threadIds: field('threads', list(identifier<Tid>())),
};

export const taskIdsRules: Rules<TaskIds> = {
  memory: field('vm_id', optionalId),
  files: field('files_id', optionalId),
  fs: field('fs_id', optionalId),
  signalHandlers: field('sighand_id', optionalId),
  pidNamespace: field('pid_ns_id', optionalId),
  netNamespace: field('net_ns_id', optionalId),
  ipcNamespace: field('ipc_ns_id', optionalId),
  utsNamespace: field('uts_ns_id', optionalId),
  mountNamespace: field('mnt_ns_id', optionalId),
  userNamespace: field('user_ns_id', optionalId),
  cgroupNamespace: field('cgroup_ns_id', optionalId),
  timeNamespace: field('time_ns_id', optionalId),
};

export const fsStateRules: Rules<FsState> = {
  cwd: field('cwd_id', identifier<FileId>()),
  root: field('root_id', identifier<FileId>()),
  umask: field('umask', integer),
};

/** fcntl(F_GETFD) flags. */
export const FD_FLAG_BITS = { closeOnExec: 1 } as const;

/** One fd of a task (fdinfo-N.img): which open file description it points at. */
export interface FdEntry extends Modeled {
  fd: Fd;
  file: FileId;
  /** The file's kind as the image names it (REG, PIPE, UNIXSK...). */
  type: string;
  flags: Flags<keyof typeof FD_FLAG_BITS>;
}

/** An fd table, shared by the tasks whose ids.files is `id`. */
export interface FdTable {
  id: number;
  fds: FdEntry[];
}

export const fdEntryRules: Rules<FdEntry> = {
  fd: field('fd', identifier<Fd>()),
  file: field('id', identifier<FileId>()),
  type: field('type', text),
  flags: field('flags', flags(FD_FLAG_BITS)),
};
