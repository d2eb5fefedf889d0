import * as path from 'node:path';
import { AmberError } from '../errors';
import { openForReading } from './open-file';

/** CRIU's page size on x86_64. */
export const PAGE_SIZE = 4096;

/**
 * Reads `count` pages starting `offsetPages` pages into pages-<pagesId>.img
 * of a checkpoint directory, without reading the rest of the file.
 */
export async function readPages(dir: string, pagesId: number, offsetPages: number, count: number): Promise<Buffer> {
  const file = path.join(dir, `pages-${pagesId}.img`);
  if (![offsetPages, count].every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new AmberError(`${file}: cannot read ${count} pages at page ${offsetPages}`);
  }
  const length = count * PAGE_SIZE;
  const pages = Buffer.alloc(length);
  const handle = await openForReading(file);
  try {
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(pages, filled, length - filled, offsetPages * PAGE_SIZE + filled);
      if (bytesRead === 0) {
        throw new AmberError(`${file}: pages ${offsetPages}..${offsetPages + count - 1} run past the end of the file (${filled / PAGE_SIZE} pages read)`);
      }
      filled += bytesRead;
    }
    return pages;
  } finally {
    await handle.close();
  }
}
