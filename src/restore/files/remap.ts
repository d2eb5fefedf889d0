/**
 * Descriptions whose file can no longer be opened by its path, as
 * remap-fpath.img says: a GHOST file, unlinked while open, whose contents
 * the checkpoint carries, or a LINKED file, unlinked but kept alive by a
 * hard link the dumper made next to it. Either way amber puts the inode back
 * under the file's own name while the restore opens descriptions, every
 * description of the file (an fd's, a mapping's) opens it by that name with
 * its own flags (O_NOFOLLOW included), and the name goes once all are open:
 * the kernel names an open file after the directory entry it was opened by,
 * so /proc/PID/fd/N and maps read "PATH (deleted)" as before (proc(5)).
 */
import * as path from 'node:path';
import { AmberError } from '../../errors';
import type { FileRemap, RegularFile } from '../../model';
import { close } from '../../sys/fd';
import type { Fd } from '../../sys/types';
import { ghostPlacer } from './ghost';
import { linkedPlacer } from './linked';
import type { OpenContext } from './open-context';
import { openPath } from './open-path';

/** Puts the file's inode at `name` and returns an fd of it, failing with EEXIST when the name is taken. */
export type Place = (name: string) => Fd;

/** Checks what a remap needs and says how to place its inode. */
export type Placer = (file: RegularFile, remap: FileRemap, context: OpenContext, user: string) => Place;

/** Placers by remap type; PROCFS remaps (files of dead processes) are not among them yet. */
const PLACERS = new Map<string, Placer>([
  ['GHOST', ghostPlacer],
  ['LINKED', linkedPlacer],
]);

/** Where to place the inode, best first: its own name, then a spare name in the same directory when another file has taken it since. */
function candidateNames(file: RegularFile, remap: FileRemap): string[] {
  return [file.path, path.join(path.dirname(file.path), `.${path.basename(file.path)}.amber-remap-${remap.remapId}`)];
}

function placeAtFirstFreeName(names: readonly string[], place: Place, user: string): { name: string; fd: Fd } {
  for (const name of names) {
    try {
      return { name, fd: place(name) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new AmberError(`${user}: cannot recreate unlinked file ${names[0]}: ${code ?? String(e)}`);
    }
  }
  throw new AmberError(`${user}: cannot recreate unlinked file ${names[0]}: ${names.join(' and ')} all exist`);
}

/** The name the file's inode is placed at until the restore's descriptions are open. */
function placeUnlinked(file: RegularFile, remap: FileRemap, context: OpenContext, user: string): string {
  const placer = PLACERS.get(remap.type ?? '');
  if (placer === undefined) throw new AmberError(`${user}: ${file.path} is reached through a ${remap.type ?? 'untyped'} remap, which amber does not restore yet`);
  const { name, fd } = placeAtFirstFreeName(candidateNames(file, remap), placer(file, remap, context, user), user);
  // The name keeps the inode until the descriptions are open; amber's own fd goes now, as a writer
  // would keep the file from becoming a task's executable (deny_write_access in prctl(PR_SET_MM)).
  close(fd);
  context.unlinkWhenOpen(name);
  return name;
}

/** A new description, opened with `flags`, of the file that `remap` stands for. */
export function openRemapped(file: RegularFile, remap: FileRemap, flags: number, context: OpenContext, user: string): Fd {
  const name = context.once(`${remap.type} remap ${remap.remapId}`, () => placeUnlinked(file, remap, context, user));
  return openPath(name, flags, user, `unlinked file ${file.path}`);
}
