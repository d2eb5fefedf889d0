/**
 * Regular files, directories and the harmless character devices (/dev/null,
 * /dev/zero, /dev/full, /dev/random, /dev/urandom), which CRIU also stores
 * as regular files. A file unlinked while open is carried whole in the
 * checkpoint as a ghost file.
 */
import { buildIdOfPath } from '../../elf/build-id';
import type { FileId } from '../../model';
import { unlinkedOrNot } from '../../proc/maps';
import { NO_OWNER, toOpenFlags } from '../file-set';
import { remapToGhost } from '../ghosts';
import { fdPath, type FdKind, type FdSubject } from './kind';

const PLAIN_DEVICES = new Set(['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom']);

export const regularFiles: FdKind = {
  type: 'REG',
  matches: ({ stat, link }) => stat.isFile() || stat.isDirectory() || (stat.isCharacterDevice() && PLAIN_DEVICES.has(link)),
  dump(subject: FdSubject, id: FileId): void {
    const { stat, files } = subject;
    const shown = unlinkedOrNot(subject.link);
    const ghost = shown.deleted && stat.nlink === 0;
    files.add({
      kind: 'regular',
      id,
      path: ghost ? shown.path : subject.link,
      flags: toOpenFlags(subject.flags),
      position: subject.position,
      size: stat.isFile() ? BigInt(stat.size) : undefined,
      mode: stat.mode,
      owner: NO_OWNER,
      buildId: stat.isFile() ? buildIdOfPath(fdPath(subject)) : undefined,
    });
    if (ghost) remapToGhost(files, id, fdPath(subject), stat, `task ${subject.pid} fd ${subject.fd}`);
  },
};
