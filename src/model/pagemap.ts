/**
 * Which pages of an address space a checkpoint holds (pagemap-PID.img) and
 * where: ranges of pages whose contents lie back to back in pages-ID.img.
 */
import { bigInteger, flags, integer, optional, type Flags } from './codecs';
import { field, type Modeled, type Rules } from './fields';
import type { Address } from './ids';

export const PAGE_RANGE_BITS = {
  /** The contents are in the parent checkpoint's pages, not in this one. */
  inParent: 1 << 0,
  /** Restore may fetch the contents on first touch. */
  lazy: 1 << 1,
  /** The contents are in this checkpoint's pages file. */
  present: 1 << 2,
} as const;

export type PageRangeFlags = Flags<keyof typeof PAGE_RANGE_BITS>;

export interface PageRange extends Modeled {
  address: Address;
  pageCount: number;
  flags: PageRangeFlags | undefined;
}

export interface PageMap extends Modeled {
  /** N of the pages-N.img file holding the contents. */
  pagesId: number;
  ranges: PageRange[];
}

/** Where a range's contents are: `offsetPages` pages into pages-`pagesId`.img. */
export interface PageLocation {
  range: PageRange;
  pagesId: number;
  offsetPages: number;
}

export const pageMapHeaderRules: Rules<Omit<PageMap, 'ranges'>> = {
  pagesId: field('pages_id', integer),
};

export const pageRangeRules: Rules<PageRange> = {
  address: field('vaddr', bigInteger),
  pageCount: field('nr_pages', {
    read: (value) => Number(bigInteger.read(value)),
    write: (count) => count,
  }),
  flags: field('flags', optional(flags(PAGE_RANGE_BITS))),
};

/** Written for ranges built rather than read: CRIU leaves the old 32-bit page count, which nr_pages replaced, at 0. */
export const pageRangeDefaults = { compat_nr_pages: 0 };

/** True when the range's contents are stored in this checkpoint's pages file. */
export function isStoredHere(range: PageRange): boolean {
  return range.flags !== undefined && range.flags.present && !range.flags.inParent;
}

/** The pages of `ranges` in all. */
export const pageCount = (ranges: readonly PageRange[]): number => ranges.reduce((sum, range) => sum + range.pageCount, 0);

/** The pages this checkpoint's pages file holds for `pageMap`. */
export const storedPageCount = (pageMap: PageMap): number => pageCount(pageMap.ranges.filter(isStoredHere));

/** Each range stored in this checkpoint, with its place in the pages file. */
export function pageLocations(pageMap: PageMap): PageLocation[] {
  let offsetPages = 0;
  return pageMap.ranges.filter(isStoredHere).map((range) => {
    const location = { range, pagesId: pageMap.pagesId, offsetPages };
    offsetPages += range.pageCount;
    return location;
  });
}
