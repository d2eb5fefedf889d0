/**
 * Filling a task's mapped VMAs with the pages its page image stores:
 * amber reads the image a batch at a time into one reused buffer and
 * process_vm_writev copies each batch into place, with no syscall in the
 * task. The VMAs must be writable meanwhile (process_vm_writev(2) does not
 * override protections). Writing from a mapping of the image instead saves
 * a copy, but its page faults and munmap made it twice as slow for the
 * small memories of a tree of processes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AmberError } from '../errors';
import { pageLocations, type PageMap, type Vma } from '../model';
import { PAGE_SIZE } from '../sys/constants';
import type { Address } from '../sys/types';
import { writeTaskMemory } from '../sys/vm';
import type { RestoringTask } from './context';

/** The size of the buffer: small enough to stay in the CPU's caches between the read and the write. */
const BATCH_BYTES = 4 << 20;
let buffer: Buffer | undefined;

/** `length` bytes of the image from `fileOffset`, which go to `address` in the task. */
interface Piece {
  address: Address;
  fileOffset: number;
  length: number;
}

const hex = (address: Address): string => `0x${address.toString(16)}`;

/** Whether a page lies in one of the VMAs amber mapped (the kernel fills vdso and vvar itself). */
function inMappedVma(vmas: readonly Vma[], address: Address): boolean {
  return vmas.some((vma) => vma.start <= address && address < vma.end);
}

/** The pieces cut into batches, each contiguous in the image and at most BATCH_BYTES long. */
function batches(pieces: readonly Piece[]): Piece[][] {
  const result: Piece[][] = [];
  let batch: Piece[] = [];
  let batchBytes = 0;
  for (const piece of pieces) {
    let { address, fileOffset, length } = piece;
    while (length > 0) {
      const last = batch.at(-1);
      if (last !== undefined && (last.fileOffset + last.length !== fileOffset || batchBytes === BATCH_BYTES)) {
        result.push(batch);
        batch = [];
        batchBytes = 0;
      }
      const taken = Math.min(length, BATCH_BYTES - batchBytes);
      batch.push({ address, fileOffset, length: taken });
      batchBytes += taken;
      address += BigInt(taken);
      fileOffset += taken;
      length -= taken;
    }
  }
  if (batch.length > 0) result.push(batch);
  return result;
}

/** Copies one batch into place; returns its bytes. */
function copyBatch(task: RestoringTask, image: string, fd: number, batch: readonly Piece[]): number {
  const ranges = batch.map(({ address, length }) => ({ addr: address, len: length }));
  const bytes = batch.reduce((sum, piece) => sum + piece.length, 0);
  buffer ??= Buffer.allocUnsafeSlow(BATCH_BYTES);
  for (let done = 0; done < bytes; ) {
    const read = fs.readSync(fd, buffer, done, bytes - done, batch[0].fileOffset + done);
    if (read === 0) throw new AmberError(`task ${task.task.pid}: ${image} ends before the pages of ${hex(ranges[0].addr)}`);
    done += read;
  }
  const { stoppedAt } = writeTaskMemory(task.main.pid, ranges, buffer.subarray(0, bytes));
  if (stoppedAt !== null) throw new AmberError(`task ${task.task.pid}: cannot write the pages of ${hex(ranges[stoppedAt].addr)} from ${image}`);
  return bytes;
}

/** Copies every stored page range that lies in `mapped` into place, telling `onPages` of each batch; returns the pages copied. */
export function fillPages(imagesDir: string, task: RestoringTask, pageMap: PageMap, mapped: readonly Vma[], onPages: (pages: number) => void): number {
  const pieces = pageLocations(pageMap)
    .filter(({ range }) => inMappedVma(mapped, range.address))
    .map(({ range, offsetPages }) => ({ address: range.address, fileOffset: offsetPages * PAGE_SIZE, length: range.pageCount * PAGE_SIZE }));
  if (pieces.length === 0) return 0;
  const image = path.join(imagesDir, `pages-${pageMap.pagesId}.img`);
  const fd = fs.openSync(image, 'r');
  try {
    for (const batch of batches(pieces)) onPages(copyBatch(task, image, fd, batch) / PAGE_SIZE);
  } finally {
    fs.closeSync(fd);
  }
  return pieces.reduce((sum, piece) => sum + piece.length / PAGE_SIZE, 0);
}
