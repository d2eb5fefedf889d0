/**
 * Writing a segment's bytes into the core a bounded chunk at a time, so that
 * a core of any size is written in little memory. Bytes no one writes stay a
 * hole in the file and read as zeros.
 */
import type { FileHandle } from 'node:fs/promises';
import { AmberError } from '../../errors';
import { PAGE_SIZE, readPages } from '../../images';
import { openForReading } from '../../images/open-file';
import type { Segment } from './segments';

const CHUNK_PAGES = 256;
const CHUNK_BYTES = CHUNK_PAGES * PAGE_SIZE;

async function writeAll(out: FileHandle, bytes: Buffer, position: number, what: string): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await out.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten === 0) throw new AmberError(`${what}: cannot write at byte ${position + done}`);
    done += bytesWritten;
  }
}

/** The mapped file's bytes, from the mapping's offset on, up to the segment's size or the file's end. */
async function copyMappedFile(out: FileHandle, segment: Segment, offset: number, path: string, what: string): Promise<void> {
  const source = await openForReading(path);
  try {
    const chunk = Buffer.alloc(CHUNK_BYTES);
    const from = Number(segment.mapping.vma.fileOffset);
    const size = Number(segment.fileSize);
    for (let done = 0; done < size; ) {
      const { bytesRead } = await source.read(chunk, 0, Math.min(CHUNK_BYTES, size - done), from + done);
      if (bytesRead === 0) return;
      await writeAll(out, chunk.subarray(0, bytesRead), offset + done, what);
      done += bytesRead;
    }
  } finally {
    await source.close();
  }
}

/** Writes `segment` at byte `offset` of the core `out` (named `what` in errors); `pagesDirectory` holds pages-N.img. */
export async function writeSegment(out: FileHandle, segment: Segment, offset: number, pagesDirectory: string, what: string): Promise<void> {
  const { vma, file } = segment.mapping;
  if (file?.readable === true) await copyMappedFile(out, segment, offset, file.path, what);
  for (const pages of segment.pages) {
    const at = offset + Number(pages.address - vma.start);
    for (let done = 0; done < pages.pageCount; done += CHUNK_PAGES) {
      const count = Math.min(CHUNK_PAGES, pages.pageCount - done);
      await writeAll(out, await readPages(pagesDirectory, pages.pagesId, pages.offsetPages + done, count), at + done * PAGE_SIZE, what);
    }
  }
}
