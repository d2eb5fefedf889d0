/**
 * inotify(7): each watch with its wd, its event mask and the path of the
 * inode it watches (found from the file handle fdinfo shows). An instance
 * with unread events is refused (see notify-queue.ts).
 */
import type { FileId, InotifyWatch } from '../../model';
import type { InotifyWatch as WatchLine } from '../../proc/fdinfo-notify';
import { NO_OWNER, toOpenFlags } from '../file-set';
import { isAnonInode } from './anon-inode';
import type { FdKind, FdSubject } from './kind';
import { kernelDevice } from '../../sys/device';
import { imageHandle } from './notify-image';
import { refuseQueuedEvents } from './notify-queue';
import { watchedPaths } from './watched-path';

function modelWatch(watch: WatchLine, path: string): InotifyWatch {
  return {
    wd: watch.wd,
    inode: watch.ino,
    device: kernelDevice(watch.device),
    mask: watch.mask,
    ignoredMask: watch.ignoredMask,
    handle: imageHandle(watch.handle),
    path,
  };
}

export const inotifies: FdKind = {
  type: 'INOTIFY',
  matches: ({ link }) => isAnonInode(link, 'inotify'),
  dump(subject: FdSubject, id: FileId): void {
    refuseQueuedEvents(subject, 'inotify');
    // An instance without watches prints no "inotify" lines, so its fdinfo decodes as plain.
    const watches = subject.info.kind === 'inotify' ? subject.info.watches : [];
    const paths = watchedPaths(subject, watches.map((watch) => ({ ...watch, holder: `inotify watch wd ${watch.wd}` })));
    subject.files.add({ kind: 'inotify', id, flags: toOpenFlags(subject.flags), owner: NO_OWNER, watches: watches.map((watch, i) => modelWatch(watch, paths[i])) });
  },
};
