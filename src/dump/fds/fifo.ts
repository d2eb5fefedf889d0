/**
 * FIFOs: a FIFO description names the regular-file description of its path
 * (which holds the open flags), and the FIFO's unread data and size go to
 * fifo-data.img once.
 */
import type { FileId, PipeId } from '../../model';
import { recordOpenedPath, type FdKind, type FdSubject } from './kind';
import { readPipeContents } from './pipe-data';

export const fifos: FdKind = {
  type: 'FIFO',
  matches: ({ stat, link }) => stat.isFIFO() && !link.startsWith('pipe:['),
  dump(subject: FdSubject, id: FileId): void {
    const { files, stat } = subject;
    const pipe = Number(stat.ino) as PipeId;
    files.add({ kind: 'fifo', id, pipe, pathFile: recordOpenedPath(subject) });
    if (!files.claimPipeData(pipe)) return;
    files.fifoContents.push(readPipeContents(subject, pipe));
  },
};
