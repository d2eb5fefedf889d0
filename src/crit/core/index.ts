/** Core files from a checkpoint: one ELF core per process, which gdb loads like a core the kernel wrote. */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AmberError, fsErrorName } from '../../errors';
import { readCheckpoint, type Pid } from '../../model';
import { writeCore } from './write-core';

export interface WrittenCore {
  pid: Pid;
  file: string;
  /** Size in bytes; holes (memory not dumped) take no room on disk. */
  size: bigint;
}

/**
 * Writes core.PID into `outDirectory` for every process of the checkpoint in
 * `directory`. A task without memory (a zombie) gets no core: `onSkip` is
 * told why.
 */
export async function writeCores(directory: string, outDirectory: string, onSkip: (message: string) => void): Promise<WrittenCore[]> {
  const checkpoint = await readCheckpoint(directory);
  try {
    await fsp.mkdir(outDirectory, { recursive: true });
  } catch (e) {
    throw new AmberError(`${outDirectory}: cannot create the output directory: ${fsErrorName(e)}`);
  }
  const written: WrittenCore[] = [];
  for (const task of checkpoint.tasks) {
    const { memory, pageMap } = task;
    if (memory === undefined || pageMap === undefined) {
      onSkip(`task ${task.pid}: ${task.process.state}, the checkpoint holds no memory for it: no core written`);
      continue;
    }
    const file = path.join(outDirectory, `core.${task.pid}`);
    written.push({ pid: task.pid, file, size: await writeCore(checkpoint, task, memory, pageMap, file) });
  }
  return written;
}
