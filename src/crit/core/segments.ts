/**
 * The PT_LOAD segments of a core, one per mapping as Linux writes them, and
 * what fills each: the pages the checkpoint holds, over the mapped file's
 * bytes when that file is here, or over zeros.
 */
import { PAGE_SIZE } from '../../images';
import { pageLocations, type Address, type PageLocation, type PageMap, type Vma } from '../../model';
import type { Mapping } from './mappings';

const PAGE = BigInt(PAGE_SIZE);

/** Pages of one mapping stored back to back in pages-`pagesId`.img. */
export interface DumpedPages {
  address: Address;
  pageCount: number;
  pagesId: number;
  offsetPages: number;
}

export interface Segment {
  mapping: Mapping;
  /** Bytes of the segment in the file, from its start; the rest of the mapping reads as absent. */
  fileSize: bigint;
  pages: DumpedPages[];
}

const rangeEnd = ({ range }: PageLocation): Address => range.address + BigInt(range.pageCount) * PAGE;

/** The part of a stored range that lies in [start, end). */
function clip(location: PageLocation, start: Address, end: Address): DumpedPages {
  const from = location.range.address > start ? location.range.address : start;
  const to = rangeEnd(location) < end ? rangeEnd(location) : end;
  return {
    address: from,
    pageCount: Number((to - from) / PAGE),
    pagesId: location.pagesId,
    offsetPages: location.offsetPages + Number((from - location.range.address) / PAGE),
  };
}

/** Private anonymous memory the kernel's special mappings (vdso, vvar, vsyscall) aside: pages not dumped held zeros. */
const isPlainAnonymous = (vma: Vma): boolean => vma.kind.anonPrivate && !vma.kind.vdso && !vma.kind.vvar && !vma.kind.vsyscall;

/**
 * How much of the mapping the core holds: all of it when every byte is
 * known (the file is here, or the memory is anonymous and readable or
 * dumped); otherwise up to the end of the last dumped page, so that a
 * debugger looks the rest up in the program's files, as in a kernel core
 * whose file-backed segments are cut short.
 */
function fileSizeOf({ vma, file }: Mapping, pages: readonly DumpedPages[]): bigint {
  const size = vma.end - vma.start;
  if (file?.readable === true) return size;
  if (isPlainAnonymous(vma) && (vma.protection.read || pages.length > 0)) return size;
  const last = pages.at(-1);
  return last === undefined ? 0n : last.address + BigInt(last.pageCount) * PAGE - vma.start;
}

/** One segment per mapping (in address order), with the stored pages that fall inside it. */
export function planSegments(mappings: readonly Mapping[], pageMap: PageMap): Segment[] {
  const locations = pageLocations(pageMap).sort((a, b) => (a.range.address < b.range.address ? -1 : 1));
  let first = 0;
  return mappings.map((mapping) => {
    const { start, end } = mapping.vma;
    while (first < locations.length && rangeEnd(locations[first]) <= start) first++;
    const pages: DumpedPages[] = [];
    for (let i = first; i < locations.length && locations[i].range.address < end; i++) pages.push(clip(locations[i], start, end));
    return { mapping, fileSize: fileSizeOf(mapping, pages), pages };
  });
}
