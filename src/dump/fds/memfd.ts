/** memfds (memfd_create(2)): the description's flags and position; the inode, once, with its name, size, seals and pages. */
import { memfdFileEntry, type FileId } from '../../model';
import { NO_OWNER, toOpenFlags } from '../file-set';
import { isMemfdPath, isShmemDevice, memfdName, sharedMemoryOf } from '../shmem';
import { fdPath, type FdKind, type FdSubject } from './kind';

export const memfds: FdKind = {
  type: 'MEMFD',
  matches: ({ link, stat }) => isMemfdPath(link) && isShmemDevice(stat.dev),
  dump(subject: FdSubject, id: FileId): void {
    const inodeId = sharedMemoryOf(subject.files).memfdInode(fdPath(subject), subject.stat, memfdName(subject.link));
    subject.files.add(memfdFileEntry({ id, flags: toOpenFlags(subject.flags), position: subject.position, owner: NO_OWNER, inodeId }));
  },
};
