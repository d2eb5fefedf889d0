/**
 * Programs and libraries must be the builds the checkpoint ran: a task
 * restored onto another build of its libc would jump into the middle of
 * other code. Checked before anything is created, so a mismatch costs nothing.
 */
import { buildIdChange } from '../elf/build-id';
import { AmberError } from '../errors';
import type { Checkpoint } from '../model';

export function checkBuildIds(checkpoint: Checkpoint): void {
  const remapped = new Set(checkpoint.remaps.map((remap) => remap.file));
  for (const file of checkpoint.files.values()) {
    if (file.kind !== 'regular' || file.buildId === undefined || remapped.has(file.id)) continue;
    const change = buildIdChange(file.path, file.buildId);
    if (change !== undefined) throw new AmberError(`${change}: it is not the file the checkpoint was made with`);
  }
}
