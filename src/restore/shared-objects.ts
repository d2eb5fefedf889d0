/**
 * Kernel objects that processes share without being threads of one
 * process: an fd table (clone(2) CLONE_FILES), the fs info, that is cwd,
 * root and umask (CLONE_FS), an address space (CLONE_VM) and, with it, the
 * signal handlers (CLONE_SIGHAND). A child that shared one with its parent
 * is cloned with that flag, so that the kernel object is one again, and
 * its contents are restored once, by the first of its users: the parent,
 * as the tree is restored parents first. (Signal handlers are set by
 * every user alike; the image has the same ones for each.)
 */
import { AmberError } from '../errors';
import type { Checkpoint, Task } from '../model';
import { CLONE_FILES, CLONE_FS, CLONE_SIGHAND, CLONE_VM } from '../sys/constants';
import type { Pid } from '../sys/types';

/** The kinds of object a child can share with its parent by a clone flag, as TaskIds names them. */
type SharedKind = 'files' | 'fs' | 'memory' | 'signalHandlers';

const SHARED_KINDS: readonly { kind: SharedKind; flag: number; what: string }[] = [
  { kind: 'files', flag: CLONE_FILES, what: 'fd table' },
  { kind: 'fs', flag: CLONE_FS, what: 'cwd, root and umask' },
  { kind: 'memory', flag: CLONE_VM, what: 'address space' },
  { kind: 'signalHandlers', flag: CLONE_SIGHAND, what: 'signal handlers' },
];

function sharesWith(task: Task, other: Task | undefined, kind: SharedKind): boolean {
  const id = task.ids?.[kind];
  return id !== undefined && id === other?.ids?.[kind];
}

/** The clone flags that make `child` share with `parent` what it shared with it when dumped. */
export function sharingFlags(child: Task, parent: Task): number {
  return SHARED_KINDS.reduce((flags, { kind, flag }) => (sharesWith(child, parent, kind) ? flags | flag : flags), 0);
}

/**
 * Refuses what a clone from the parent cannot make again: a task sharing
 * an object with another while its parent has its own (the parent
 * unshared it, or exec'd, after the clone).
 */
export function checkSharedObjects(checkpoint: Checkpoint): void {
  const byPid = new Map(checkpoint.tasks.map((task) => [task.pid, task]));
  const users = new SharedObjectRestorers();
  for (const task of checkpoint.tasks) {
    const parent = task.parent === undefined ? undefined : byPid.get(task.parent);
    for (const { kind, what } of SHARED_KINDS) {
      const first = users.restorerOf(kind, task);
      if (first !== undefined && first !== task.pid && !sharesWith(task, parent, kind)) {
        throw new AmberError(`task ${task.pid}: shares its ${what} with task ${first} but not with its parent, which amber cannot restore`);
      }
    }
  }
}

/** Which task restores each shared object: the first one that asks. */
export class SharedObjectRestorers {
  private readonly restorers = new Map<string, Pid>();

  /** The task that restores the object of `kind` that `task` uses (the first to ask), or undefined if the image has no id for it. */
  restorerOf(kind: SharedKind, task: Task): Pid | undefined {
    const id = task.ids?.[kind];
    if (id === undefined) return undefined;
    const key = `${kind} ${id}`;
    const restorer = this.restorers.get(key) ?? task.pid;
    this.restorers.set(key, restorer);
    return restorer;
  }

  /** Whether `task` restores its object of `kind`: it is its first user to ask, or the image has no id for it. */
  claims(kind: SharedKind, task: Task): boolean {
    const restorer = this.restorerOf(kind, task);
    return restorer === undefined || restorer === task.pid;
  }
}
