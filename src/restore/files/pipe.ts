/** Pipes: made once by amber per pipe id, their unread data written back, and each end handed to its users. */
import * as fs from 'node:fs';
import { pipeContentsOf, type PipeEnd, type PipeId } from '../../model';
import { F_SETPIPE_SZ } from '../../sys/constants';
import { fcntl, pipe2, type Pipe } from '../../sys/fd';
import type { OpenedFile } from './kinds';
import type { OpenContext } from './open-context';
import { setStatusFlags } from './regular';

/** The pipes amber made in this restore, by pipe id. */
const madePipes = (context: OpenContext): Map<PipeId, Pipe> => context.once('pipes', () => new Map<PipeId, Pipe>());

function makePipe(end: PipeEnd, context: OpenContext): Pipe {
  const pipe = pipe2();
  context.hold(pipe.readEnd);
  context.hold(pipe.writeEnd);
  madePipes(context).set(end.pipe, pipe);
  const contents = pipeContentsOf(context.checkpoint, end);
  if (contents?.capacity !== undefined) fcntl(pipe.writeEnd, F_SETPIPE_SZ, contents.capacity);
  if (contents !== undefined && contents.data.length > 0) fs.writeSync(pipe.writeEnd, contents.data);
  return pipe;
}

export function openPipeEnd(end: PipeEnd, context: OpenContext): OpenedFile {
  const pipe = madePipes(context).get(end.pipe) ?? makePipe(end, context);
  const fd = end.flags.writeOnly ? pipe.writeEnd : pipe.readEnd;
  setStatusFlags(fd, end.flags);
  return { fd };
}
