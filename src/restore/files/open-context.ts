/** What the openers of one restore share: the checkpoint, objects a kind makes once (pipes, socket pairs), and fds amber holds until the tasks have theirs. */
import type { Checkpoint } from '../../model';
import type { Fd } from '../../sys/types';

export class OpenContext {
  private readonly made = new Map<string, unknown>();
  private readonly heldFds = new Set<Fd>();

  constructor(readonly checkpoint: Checkpoint) {}

  /** The object `key` of this restore, made by `make` on first use. */
  once<T>(key: string, make: () => T): T {
    if (!this.made.has(key)) this.made.set(key, make());
    return this.made.get(key) as T;
  }

  /** An fd amber made that is closed with the rest at the end of the restore. */
  hold(fd: Fd): Fd {
    this.heldFds.add(fd);
    return fd;
  }

  held(): Fd[] {
    return [...this.heldFds];
  }
}
