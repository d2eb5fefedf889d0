import type { ImageDir } from './image-dir';
import { u64, type PagemapEntry, type Pid, type VmaEntry } from './entries';
import type { FileNames } from './file-names';
import { perTask } from './tasks';
import { hex8, mapsFile, pageCount, pagesToBytes, readMm } from './vma';

const PAGES_COLUMN = 24;
const CONTINUATION = '\n\t' + ' '.repeat(23);

/**
 * Each task's dumped pages next to the VMAs they fall in: one block per
 * pagemap entry, listing every VMA it overlaps; a VMA already listed by the
 * previous block shows as `~`.
 */
export function exploreRss(images: ImageDir, names: FileNames): Promise<string[]> {
  return perTask(images, async (pid: Pid) => {
    const { vmas } = await readMm(images, pid);
    // The first pagemap entry names the pages file; the ranges follow it.
    const ranges = await images.entriesWith<PagemapEntry>(`pagemap-${pid}.img`, ['vaddr', 'nr_pages'], 1);
    const lines: string[] = [];
    let index = 0;
    let lastShown = -1;
    for (const range of ranges) {
      const start = u64(range.vaddr);
      const end = start + pagesToBytes(range.nr_pages);
      // crit steps back one VMA after every block, and a step back from the
      // first VMA reads the last one (a negative index): `at` does the same.
      while (index < vmas.length && u64(at(vmas, index).end) <= start) index++;
      let overlapping = '';
      while (index < vmas.length && u64(at(vmas, index).start) < end) {
        const vma = at(vmas, index);
        if (index === lastShown) {
          overlapping += ' ~';
        } else {
          overlapping += ` ${hex8(u64(vma.start))} / ${String(pageCount(vma)).padEnd(8)}`;
          if (mapsFile(vma)) overlapping += ` ${await names.path(Number(vma.shmid))}`;
          lastShown = index;
        }
        overlapping += CONTINUATION;
        index++;
      }
      index--;
      const pages = `\t${start.toString(16)} / ${String(range.nr_pages).padEnd(8)}`;
      lines.push(pages.padEnd(PAGES_COLUMN) + overlapping);
    }
    return lines;
  });
}

function at(vmas: readonly VmaEntry[], index: number): VmaEntry {
  return vmas.at(index) as VmaEntry;
}
