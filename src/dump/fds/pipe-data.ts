/**
 * The unread bytes of a pipe or FIFO, copied with tee(2) so the task still
 * reads them: the pipe is reopened read-only through /proc/PID/fd/N (which
 * works whichever end the fd is) and teed into a pipe of amber's own.
 */
import * as fs from 'node:fs';
import type { PipeContents, PipeId } from '../../model';
import { F_GETPIPE_SZ, F_SETPIPE_SZ, O_NONBLOCK, SPLICE_F_NONBLOCK } from '../../sys/constants';
import { close, fcntl, pipe2, tee } from '../../sys/fd';
import { isSyscallError } from '../../sys/native';
import type { Fd } from '../../sys/types';
import { fdPath, type FdSubject } from './kind';

function teeAll(source: Fd, capacity: number): Buffer {
  const copy = pipe2(O_NONBLOCK);
  try {
    fcntl(copy.writeEnd, F_SETPIPE_SZ, capacity);
    let length: number;
    try {
      length = tee(source, copy.writeEnd, capacity, SPLICE_F_NONBLOCK);
    } catch (e) {
      // An empty pipe has nothing to tee.
      if (isSyscallError(e, 'EAGAIN')) return Buffer.alloc(0);
      throw e;
    }
    const data = Buffer.alloc(length);
    let done = 0;
    while (done < length) done += fs.readSync(copy.readEnd, data, done, length - done, null);
    return data;
  } finally {
    close(copy.readEnd);
    close(copy.writeEnd);
  }
}

/**
 * The pipe's unread data and its buffer size, which an empty pipe has too:
 * a size set with F_SETPIPE_SZ (fcntl(2)) is how much the pipe takes
 * before a writer blocks, so an empty pipe gets an entry too, as in CRIU's
 * images.
 */
export function readPipeContents(subject: FdSubject, pipe: PipeId): PipeContents {
  const reader = fs.openSync(fdPath(subject), fs.constants.O_RDONLY | O_NONBLOCK) as Fd;
  try {
    const capacity = fcntl(reader, F_GETPIPE_SZ);
    return { pipe, data: teeAll(reader, capacity), capacity };
  } finally {
    fs.closeSync(reader);
  }
}
