/**
 * fanotify(7): the instance's fanotify_init flags and each mark with its
 * masks, on an inode (by path, found from its file handle) or on a mount
 * (by mount point). Filesystem marks have no place in the images, and
 * FAN_MARK_IGNORE marks and marks with empty masks cannot be made again:
 * they are refused, as is an instance with unread events (see
 * notify-queue.ts).
 */
import { AmberError } from '../../errors';
import type { FileId } from '../../model';
import { fanotifyFileEntry, type FanotifyMark } from '../../model/fanotify';
import type { FanotifyMark as MarkLine } from '../../proc/fdinfo-notify';
import { readMountInfo } from '../../proc/mountinfo';
import { FAN_MARK_EVICTABLE, FAN_MARK_IGNORED_SURV_MODIFY } from '../../sys/fsnotify';
import { NO_OWNER, toOpenFlags } from '../file-set';
import { infoOfKind, isAnonInode } from './anon-inode';
import type { FdKind, FdSubject } from './kind';
import { kernelDevice } from '../../sys/device';
import { imageHandle } from './notify-image';
import { refuseQueuedEvents } from './notify-queue';
import { watchedPaths } from './watched-path';

/** Mark flags restore can give back with fanotify_mark(2). */
const RESTORABLE_MARK_FLAGS = FAN_MARK_IGNORED_SURV_MODIFY | FAN_MARK_EVICTABLE;

type InodeMark = Extract<MarkLine, { target: 'inode' }>;
type RestorableMark = Exclude<MarkLine, { target: 'filesystem' }>;

function restorableMarks(subject: FdSubject, marks: readonly MarkLine[]): RestorableMark[] {
  const where = `task ${subject.pid} fd ${subject.fd}`;
  return marks.map((mark) => {
    if (mark.target === 'filesystem') throw new AmberError(`${where}: fanotify has a filesystem mark (device ${mark.device.major}:${mark.device.minor}), which images cannot hold`);
    const unknown = mark.markFlags & ~RESTORABLE_MARK_FLAGS;
    if (unknown !== 0) throw new AmberError(`${where}: fanotify has a mark with flags 0x${unknown.toString(16)}, which amber cannot restore`);
    // A modification clears an ignored mask without FAN_MARK_IGNORED_SURV_MODIFY, leaving an empty mark that fanotify_mark(2) cannot make.
    if (mark.mask === 0 && mark.ignoredMask === 0) throw new AmberError(`${where}: fanotify has a mark with empty masks, which amber cannot restore`);
    return mark;
  });
}

function mountMark(subject: FdSubject, mntId: number): Pick<FanotifyMark, 'mount' | 'device'> {
  const mount = readMountInfo(subject.pid).find((candidate) => candidate.mountId === mntId);
  if (mount === undefined) throw new AmberError(`task ${subject.pid} fd ${subject.fd}: fanotify marks mount ${mntId}, which the task's mountinfo does not list`);
  return { mount: { mountId: mntId, path: mount.mountPoint }, device: kernelDevice(mount.device) };
}

export const fanotifies: FdKind = {
  type: 'FANOTIFY',
  matches: ({ link }) => isAnonInode(link, 'fanotify'),
  dump(subject: FdSubject, id: FileId): void {
    const info = infoOfKind(subject, 'fanotify');
    const restorable = restorableMarks(subject, info.marks);
    refuseQueuedEvents(subject, 'fanotify');
    const inodeMarks = restorable.filter((mark): mark is InodeMark => mark.target === 'inode');
    const resolved = watchedPaths(subject, inodeMarks.map((mark) => ({ ...mark, holder: `fanotify mark on inode ${mark.ino}` })));
    const paths = new Map(inodeMarks.map((mark, i) => [mark, resolved[i]]));
    const marks = restorable.map((mark): FanotifyMark => {
      const masks = { markFlags: mark.markFlags, mask: mark.mask, ignoredMask: mark.ignoredMask };
      if (mark.target === 'mount') return { target: 'MOUNT', ...masks, inode: undefined, ...mountMark(subject, mark.mntId) };
      const inode = { inode: mark.ino, handle: imageHandle(mark.handle), path: paths.get(mark) };
      return { target: 'INODE', ...masks, device: kernelDevice(mark.device), inode, mount: undefined };
    });
    subject.files.add(fanotifyFileEntry({ id, flags: toOpenFlags(subject.flags), owner: NO_OWNER, initFlags: info.initFlags, eventFlags: info.eventFlags, marks }));
  },
};
