/**
 * epoll(7): every file an instance watches, by the fd number it was added
 * with, its events and its data. The kernel names a target by (file, fd):
 * a target whose fd was closed or reused since it was added is watched
 * through a number that no longer points at it, and is refused.
 */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import type { EpollTarget, FileId } from '../../model';
import type { EpollTarget as WatchedFile } from '../../proc/fdinfo-events';
import { kernelDevice, userDevice } from '../../sys/device';
import { NO_OWNER, toOpenFlags } from '../file-set';
import { isAnonInode } from './anon-inode';
import { fdPath, type FdKind, type FdSubject } from './kind';

function checkStillOpen(subject: FdSubject, target: WatchedFile): void {
  const where = `task ${subject.pid} fd ${subject.fd}`;
  let stat: fs.BigIntStats | undefined;
  try {
    stat = fs.statSync(fdPath({ pid: subject.pid, fd: target.fd }), { bigint: true });
  } catch {
    stat = undefined;
  }
  if (stat === undefined || stat.ino !== target.ino || stat.dev !== userDevice(target.device)) {
    throw new AmberError(`${where}: epoll watches a file through fd ${target.fd}, which no longer points at it`);
  }
}

function modelTarget(target: WatchedFile): EpollTarget {
  return {
    fd: target.fd,
    events: target.events,
    data: target.data,
    unmodeled: { dev: kernelDevice(target.device), inode: target.ino, pos: target.pos },
  };
}

export const epolls: FdKind = {
  type: 'EVENTPOLL',
  matches: ({ link }) => isAnonInode(link, 'eventpoll'),
  dump(subject: FdSubject, id: FileId): void {
    // An instance that watches nothing prints no "tfd:" line, so its fdinfo decodes as plain.
    const watched = subject.info.kind === 'epoll' ? subject.info.targets : [];
    watched.forEach((target) => checkStillOpen(subject, target));
    subject.files.add({ kind: 'epoll', id, flags: toOpenFlags(subject.flags), owner: NO_OWNER, targets: watched.map(modelTarget) });
  },
};
