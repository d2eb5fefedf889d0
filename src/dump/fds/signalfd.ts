/** signalfd(2): the set of signals it reads. Which signals are pending belongs to the reading task, not to the fd. */
import type { FileId } from '../../model';
import { NO_OWNER, toOpenFlags } from '../file-set';
import { infoOfKind, isAnonInode } from './anon-inode';
import type { FdKind, FdSubject } from './kind';

export const signalfds: FdKind = {
  type: 'SIGNALFD',
  matches: ({ link }) => isAnonInode(link, 'signalfd'),
  dump(subject: FdSubject, id: FileId): void {
    const info = infoOfKind(subject, 'signalfd');
    subject.files.add({ kind: 'signalfd', id, flags: toOpenFlags(subject.flags), owner: NO_OWNER, signals: info.sigmask });
  },
};
