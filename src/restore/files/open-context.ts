/**
 * What the openers of one restore share: the checkpoint, objects a kind
 * makes once (pipes, socket pairs), fds amber holds until the tasks have
 * theirs, and names that exist only while descriptions are opened.
 */
import * as fs from 'node:fs';
import type { Checkpoint } from '../../model';
import type { Fd } from '../../sys/types';

export class OpenContext {
  private readonly made = new Map<string, unknown>();
  private readonly heldFds = new Set<Fd>();
  private readonly transientNames: string[] = [];

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

  /** A name amber made for descriptions to open, removed by `removeNames` once they are. */
  unlinkWhenOpen(name: string): void {
    this.transientNames.push(name);
  }

  removeNames(): void {
    for (const name of this.transientNames.splice(0)) fs.rmSync(name, { force: true });
  }
}
