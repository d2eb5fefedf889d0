/** Ghost files: an unlinked file made again with the contents, owner and mode the checkpoint carries (ghost-file-N.img). */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import { ghostOf, type GhostFile } from '../../model';
import { FieldError } from '../../model/fields';
import { ghostContents, type GhostContents } from '../../model/ghost-contents';
import type { TimeValue } from '../../model/time';
import type { Fd } from '../../sys/types';
import type { Placer } from './remap';

const PERMISSION_BITS = 0o7777;
/** Readable and writable by amber only until the contents, owner and mode are in place. */
const PRIVATE_MODE = 0o600;
const CREATE_NEW = fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL;

/**
 * A time for fs.futimes, which goes through a double and keeps whole
 * microseconds, truncating: aiming at the middle of the microsecond keeps
 * rounding error from landing on the one before.
 */
const secondsOf = (time: TimeValue): number => Number(time.seconds) + (Number(time.microseconds) + 0.5) / 1e6;

/** Gives the file open at `fd` the access and modification times the ghost had. */
export function setGhostTimes(fd: Fd, ghost: GhostFile): void {
  if (ghost.accessed !== undefined && ghost.modified !== undefined) fs.futimesSync(fd, secondsOf(ghost.accessed), secondsOf(ghost.modified));
}

function fill(fd: Fd, ghost: GhostFile, contents: GhostContents): void {
  fs.ftruncateSync(fd, Number(contents.size));
  for (const { offset, data } of contents.stretches) fs.writeSync(fd, data, 0, data.length, Number(offset));
  // chown(2) clears the set-user-ID and set-group-ID bits, so the mode comes after it.
  fs.fchownSync(fd, ghost.uid, ghost.gid);
  fs.fchmodSync(fd, ghost.mode & PERMISSION_BITS);
  // Writing the contents set the times to now; they go back last.
  setGhostTimes(fd, ghost);
}

function contentsOf(ghost: GhostFile, remapId: number, user: string): GhostContents {
  try {
    return ghostContents(ghost);
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    throw new AmberError(`${user}: ghost file ${remapId}: ${e.message}`);
  }
}

export const ghostPlacer: Placer = (file, remap, context, user) => {
  const ghost = ghostOf(context.checkpoint, file.id);
  if (ghost === undefined) throw new AmberError(`${user}: ${file.path} was unlinked but its ghost file ${remap.remapId} is not in the checkpoint`);
  if ((ghost.mode & fs.constants.S_IFMT) !== fs.constants.S_IFREG) throw new AmberError(`${user}: ${file.path} is an unlinked special file, which amber does not restore yet`);
  const contents = contentsOf(ghost, remap.remapId, user);
  return (name) => {
    const fd = fs.openSync(name, CREATE_NEW, PRIVATE_MODE) as Fd;
    try {
      fill(fd, ghost, contents);
    } catch (e) {
      fs.closeSync(fd);
      fs.unlinkSync(name);
      throw e;
    }
    return fd;
  };
};
