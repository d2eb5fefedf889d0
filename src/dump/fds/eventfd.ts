/** eventfd(2): its counter and whether it counts as a semaphore. */
import type { FileId } from '../../model';
import { NO_OWNER, toOpenFlags } from '../file-set';
import { infoOfKind, isAnonInode } from './anon-inode';
import type { FdKind, FdSubject } from './kind';

export const eventfds: FdKind = {
  type: 'EVENTFD',
  matches: ({ link }) => isAnonInode(link, 'eventfd'),
  dump(subject: FdSubject, id: FileId): void {
    const info = infoOfKind(subject, 'eventfd');
    subject.files.add({ kind: 'eventfd', id, flags: toOpenFlags(subject.flags), owner: NO_OWNER, counter: info.count, semaphore: info.semaphore });
  },
};
