/** A task's name (comm): the process-wide one in the main thread's core, and that thread's own. */
import { AmberError } from '../../errors';
import type { Checkpoint } from '../../model';
import type { CommEdit } from './plan';
import type { Tally } from './tally';

export function editComm(checkpoint: Checkpoint, edit: CommEdit, tally: Tally): void {
  const task = checkpoint.tasks.find((candidate) => candidate.pid === edit.pid);
  if (task === undefined) throw new AmberError(`crit edit: ${edit.label}: task ${edit.pid} is not in the checkpoint's process tree`);
  task.process.name = edit.name;
  tally.add(edit.label, 'process name');
  // A zombie's only thread has tid 0 and no thread core.
  const core = task.threads.find((thread) => thread.tid === task.pid)?.core;
  if (core?.name === undefined) return;
  core.name = edit.name;
  tally.add(edit.label, 'thread name');
}
