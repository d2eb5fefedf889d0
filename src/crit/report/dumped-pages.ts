/** How many of each VMA's pages the checkpoint's pagemap holds. */
import { PAGE_SIZE } from '../../images';
import type { PageMap, Vma } from '../../model';
import { byStart } from './addresses';

const PAGE = BigInt(PAGE_SIZE);

export function pagesOf(vma: Vma): number {
  return Number((vma.end - vma.start) / PAGE);
}

/**
 * For each VMA, the number of pagemap pages inside it: both lists are
 * walked once, in address order.
 */
export function dumpedPages(vmas: readonly Vma[], pageMap: PageMap | undefined): Map<Vma, number> {
  const ranges = [...(pageMap?.ranges ?? [])]
    .map((range) => ({ start: range.address, end: range.address + BigInt(range.pageCount) * PAGE }))
    .sort(byStart);
  const counts = new Map<Vma, number>();
  let first = 0;
  for (const vma of [...vmas].sort(byStart)) {
    let count = 0;
    while (first < ranges.length && ranges[first].end <= vma.start) first++;
    for (let r = first; r < ranges.length && ranges[r].start < vma.end; r++) {
      const from = ranges[r].start > vma.start ? ranges[r].start : vma.start;
      const to = ranges[r].end < vma.end ? ranges[r].end : vma.end;
      count += Number((to - from) / PAGE);
    }
    counts.set(vma, count);
  }
  return counts;
}
