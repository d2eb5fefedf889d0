/** Anonymous pipes: each end's description, and the pipe's unread data and size once (pipes-data.img). */
import type { FileId, PipeId } from '../../model';
import { NO_OWNER, toOpenFlags } from '../file-set';
import type { FdKind, FdSubject } from './kind';
import { readPipeContents } from './pipe-data';

export const pipes: FdKind = {
  type: 'PIPE',
  matches: ({ link }) => link.startsWith('pipe:['),
  dump(subject: FdSubject, id: FileId): void {
    const pipe = Number(subject.stat.ino) as PipeId;
    subject.files.add({ kind: 'pipe', id, pipe, flags: toOpenFlags(subject.flags), owner: NO_OWNER });
    if (!subject.files.claimPipeData(pipe)) return;
    subject.files.pipeContents.push(readPipeContents(subject, pipe));
  },
};
