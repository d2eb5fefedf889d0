/**
 * Files unlinked while open or mapped: the checkpoint carries their
 * contents as a ghost file (ghost-file-N.img), and remap-fpath.img sends
 * every description of the inode, an fd's or a mapping's, to that one
 * ghost, as CRIU does. Restore puts the inode back for a moment under its
 * old name (../restore/files/remap.ts).
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import type { FileId, GhostFile } from '../model';
import type { TimeValue } from '../model/time';
import { kernelDevice, userDeviceParts } from '../sys/device';
import { readFileQuietly } from '../sys/quiet-read';
import type { FileSet } from './file-set';

/** The largest ghost a dump makes unless told otherwise (--ghost-limit): larger files would be better linked back than copied. CRIU's default too. */
export const DEFAULT_GHOST_LIMIT = 1 << 20;

/** A stat time in microseconds, as the ghost image keeps it. */
function timeOf(nanoseconds: bigint): TimeValue {
  return { seconds: nanoseconds / 1_000_000_000n, microseconds: (nanoseconds % 1_000_000_000n) / 1000n };
}

function ghostOf(contentsPath: string, stat: fs.Stats, remapId: number, limit: number, where: string): GhostFile {
  if (!stat.isFile()) throw new AmberError(`${where}: an unlinked ${stat.isDirectory() ? 'directory' : 'special file'} is not supported yet`);
  if (stat.size > limit) throw new AmberError(`${where}: unlinked file of ${stat.size} bytes is larger than the ${limit}-byte ghost limit (see --ghost-limit)`);
  const times = fs.statSync(contentsPath, { bigint: true });
  return {
    remapId,
    uid: stat.uid,
    gid: stat.gid,
    mode: stat.mode,
    device: kernelDevice(userDeviceParts(times.dev)),
    inode: times.ino,
    accessed: timeOf(times.atimeNs),
    modified: timeOf(times.mtimeNs),
    contents: readFileQuietly(contentsPath),
    chunks: [],
  };
}

/**
 * Sends description `file` of an unlinked inode to the inode's ghost, which
 * `contentsPath` (a /proc link to it) gives the first time it is met.
 */
export function remapToGhost(files: FileSet, file: FileId, contentsPath: string, stat: fs.Stats, where: string): void {
  const remapId = files.once(`ghost ${stat.dev}:${stat.ino}`, () => {
    const id = files.ghosts.length + 1;
    files.ghosts.push(ghostOf(contentsPath, stat, id, files.ghostLimit, where));
    return id;
  });
  files.remaps.push({ file, remapId, type: 'GHOST' });
}
