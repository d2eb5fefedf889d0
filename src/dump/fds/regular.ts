/**
 * Regular files, directories and the harmless character devices (/dev/null,
 * /dev/zero, /dev/full, /dev/random, /dev/urandom), which CRIU also stores
 * as regular files. A file unlinked while open is carried whole in the
 * checkpoint as a ghost file.
 */
import * as fs from 'node:fs';
import { buildIdOfPath } from '../../elf/build-id';
import { AmberError } from '../../errors';
import type { FileId, GhostFile } from '../../model';
import type { TimeValue } from '../../model/time';
import { readFileQuietly } from '../../sys/quiet-read';
import { NO_OWNER, toOpenFlags } from '../file-set';
import { fdPath, type FdKind, type FdSubject } from './kind';

const PLAIN_DEVICES = new Set(['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom']);
const DELETED = ' (deleted)';
/** Larger unlinked files would be better linked back than copied; CRIU has a similar limit (--ghost-limit). */
const GHOST_LIMIT = 1 << 20;

const isGhost = (subject: FdSubject): boolean => subject.link.endsWith(DELETED) && subject.stat.nlink === 0;

/** A stat time in microseconds, as the ghost image keeps it. */
function timeOf(nanoseconds: bigint): TimeValue {
  return { seconds: nanoseconds / 1_000_000_000n, microseconds: (nanoseconds % 1_000_000_000n) / 1000n };
}

function ghostOf(subject: FdSubject, remapId: number): GhostFile {
  const { stat } = subject;
  if (!stat.isFile()) throw new AmberError(`task ${subject.pid} fd ${subject.fd}: an unlinked ${stat.isDirectory() ? 'directory' : 'special file'} is not supported yet`);
  if (stat.size > GHOST_LIMIT) throw new AmberError(`task ${subject.pid} fd ${subject.fd}: unlinked file of ${stat.size} bytes is larger than the ${GHOST_LIMIT}-byte ghost limit`);
  const times = fs.statSync(fdPath(subject), { bigint: true });
  return {
    remapId,
    uid: stat.uid,
    gid: stat.gid,
    mode: stat.mode,
    accessed: timeOf(times.atimeNs),
    modified: timeOf(times.mtimeNs),
    contents: readFileQuietly(fdPath(subject)),
    chunks: [],
  };
}

export const regularFiles: FdKind = {
  type: 'REG',
  matches: ({ stat, link }) => stat.isFile() || stat.isDirectory() || (stat.isCharacterDevice() && PLAIN_DEVICES.has(link)),
  dump(subject: FdSubject, id: FileId): void {
    const { stat, files } = subject;
    const ghost = isGhost(subject);
    files.add({
      kind: 'regular',
      id,
      path: ghost ? subject.link.slice(0, -DELETED.length) : subject.link,
      flags: toOpenFlags(subject.flags),
      position: subject.position,
      size: stat.isFile() ? BigInt(stat.size) : undefined,
      mode: stat.mode,
      owner: NO_OWNER,
      buildId: stat.isFile() ? buildIdOfPath(fdPath(subject)) : undefined,
    });
    if (!ghost) return;
    const remapId = files.ghosts.length + 1;
    files.ghosts.push(ghostOf(subject, remapId));
    files.remaps.push({ file: id, remapId, type: 'GHOST' });
  },
};
