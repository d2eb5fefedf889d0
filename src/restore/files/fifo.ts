/**
 * FIFOs: each end is reopened by the path of its FIFO, with the flags its
 * path file records; the FIFO's unread data goes back once, whatever number
 * of ends and tasks share it.
 */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import { findFile, pipeContentsOf, type FifoEnd, type RegularFile } from '../../model';
import { F_SETPIPE_SZ } from '../../sys/constants';
import { fcntl } from '../../sys/fd';
import type { Fd } from '../../sys/types';
import type { OpenedFile } from './kinds';
import type { OpenContext } from './open-context';
import { openPath } from './open-path';
import { NOT_REOPENED, openFlagsNumber } from './regular';

function pathFileOf(end: FifoEnd, context: OpenContext, user: string): RegularFile {
  const file = end.pathFile === undefined ? undefined : findFile(context.checkpoint, end.pathFile);
  if (file?.kind !== 'regular') throw new AmberError(`${user}: FIFO file id ${end.id} names no path file`);
  return file;
}

/**
 * Opens the FIFO read-write and keeps it open until every task has its ends.
 * A FIFO opened read-write is both a reader and a writer, and on Linux that
 * open never waits (fifo(7)); while amber holds it, opening an end O_RDONLY
 * finds a writer and O_WRONLY finds a reader, so neither blocks nor fails
 * with ENXIO (open(2)), and the data written back stays in the FIFO.
 * amber's own end is non-blocking so that writing the data back can only
 * fail, never hang.
 */
function holdFifo(end: FifoEnd, path: string, context: OpenContext, user: string): Fd {
  const fd = context.hold(openPath(path, fs.constants.O_RDWR | fs.constants.O_NONBLOCK, user, `FIFO ${path}`));
  if (!fs.fstatSync(fd).isFIFO()) throw new AmberError(`${user}: ${path} is no longer a FIFO`);
  const contents = pipeContentsOf(context.checkpoint, end);
  if (contents?.capacity !== undefined) fcntl(fd, F_SETPIPE_SZ, contents.capacity);
  if (contents !== undefined && contents.data.length > 0) fs.writeSync(fd, contents.data);
  return fd;
}

export function openFifoEnd(end: FifoEnd, context: OpenContext, user: string): OpenedFile {
  const { path, flags } = pathFileOf(end, context, user);
  context.once(`fifo ${end.pipe}`, () => holdFifo(end, path, context, user));
  return { fd: openPath(path, openFlagsNumber(flags, NOT_REOPENED), user, `FIFO ${path}`) };
}
