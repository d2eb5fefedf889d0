/** Reading a task's memory as the checkpoint saved it, straight from the page images. */
import { AmberError } from '../errors';
import { PAGE_SIZE, readPages } from '../images';
import type { Checkpoint } from './checkpoint';
import type { Address, Pid } from './ids';
import { findTask } from './lookup';
import { pageLocations } from './pagemap';

const PAGE = BigInt(PAGE_SIZE);
const hex = (address: Address): string => `0x${address.toString(16)}`;

/**
 * `length` bytes of task `pid`'s memory at `address`, read from the pages
 * files: only the pages that hold them. Every byte must be in this checkpoint.
 */
export async function readTaskMemory(checkpoint: Checkpoint, pid: Pid, address: Address, length: number): Promise<Buffer> {
  const { pageMap } = findTask(checkpoint, pid);
  if (pageMap === undefined) throw new AmberError(`task ${pid}: the checkpoint holds no memory for it`);
  const end = address + BigInt(length);
  const out = Buffer.alloc(length);
  let found = 0;
  for (const { range, pagesId, offsetPages } of pageLocations(pageMap)) {
    const from = address > range.address ? address : range.address;
    const rangeEnd = range.address + BigInt(range.pageCount) * PAGE;
    const to = end < rangeEnd ? end : rangeEnd;
    if (from >= to) continue;
    const firstPage = (from - range.address) / PAGE;
    const pageCount = Number((to - 1n - range.address) / PAGE - firstPage) + 1;
    const pages = await readPages(checkpoint.rawImages.directory, pagesId, offsetPages + Number(firstPage), pageCount);
    const skip = Number(from - range.address - firstPage * PAGE);
    found += pages.copy(out, Number(from - address), skip, skip + Number(to - from));
  }
  if (found !== length) throw new AmberError(`task ${pid}: ${hex(address)}..${hex(end)} is not all in the checkpoint's pages`);
  return out;
}
