/** Pipes: made once by amber per pipe id, their unread data written back, and each end handed to its users. */
import * as fs from 'node:fs';
import { pipeContentsOf, type PipeEnd, type PipeId } from '../../model';
import { F_SETPIPE_SZ } from '../../sys/constants';
import { fcntl, pipe2, type Pipe } from '../../sys/fd';
import type { Fd } from '../../sys/types';
import type { OpenContext, OpenedFile } from './kinds';
import { setStatusFlags } from './regular';

/** The pipes amber made in this restore. */
export class PipeSet {
  private readonly pipes = new Map<PipeId, Pipe>();

  get(pipe: PipeId): Pipe | undefined {
    return this.pipes.get(pipe);
  }

  add(pipe: PipeId, ends: Pipe): void {
    this.pipes.set(pipe, ends);
  }

  /** Both ends of every pipe, for amber to close once the tasks have theirs. */
  fds(): Fd[] {
    return [...this.pipes.values()].flatMap(({ readEnd, writeEnd }) => [readEnd, writeEnd]);
  }
}

function makePipe(end: PipeEnd, context: OpenContext): Pipe {
  const pipe = pipe2();
  context.pipes.add(end.pipe, pipe);
  const contents = pipeContentsOf(context.checkpoint, end);
  if (contents?.capacity !== undefined) fcntl(pipe.writeEnd, F_SETPIPE_SZ, contents.capacity);
  if (contents !== undefined && contents.data.length > 0) fs.writeSync(pipe.writeEnd, contents.data);
  return pipe;
}

export function openPipeEnd(end: PipeEnd, context: OpenContext): OpenedFile {
  const pipe = context.pipes.get(end.pipe) ?? makePipe(end, context);
  const fd = end.flags.writeOnly ? pipe.writeEnd : pipe.readEnd;
  setStatusFlags(fd, end.flags);
  return { fd };
}
