/**
 * Address spaces (mm-PID.img) and the pages stored for them (pagemap-PID.img):
 * VMAs page-aligned, sorted and apart; page ranges sorted, apart and inside
 * the VMAs and, when stored in a parent checkpoint, with a parent to find
 * them in; shared anonymous memory with its own pagemap.
 */
import type { Memory, PageMap, Task } from '../../../model';
import { mmImage, pagemapImage } from '../../../model/image-names';
import type { CheckContext } from '../context';
import { error, warning, type Finding } from '../findings';
import { shmemPagemapImage } from '../image-names';
import { hex, isMapped, PAGE } from './addresses';

function checkVmas(task: Task, memory: Memory, context: CheckContext): Finding[] {
  const image = mmImage(task.pid);
  return memory.vmas.flatMap((vma, i) => {
    const place = { entry: 0, field: `vmas.${i}` };
    const range = `${hex(vma.start)}-${hex(vma.end)}`;
    if (vma.start >= vma.end || vma.start % PAGE !== 0n || vma.end % PAGE !== 0n) return [error(image, `VMA ${range} is empty or not page-aligned`, place)];
    const previous = memory.vmas[i - 1];
    if (previous !== undefined && previous.end > vma.start) return [error(image, `VMA ${range} starts before the end of the VMA before it (${hex(previous.end)})`, place)];
    const sharedAnonymous = vma.kind.anonShared && !vma.kind.sysvIpc && !vma.kind.memfd;
    if (sharedAnonymous && !context.images.has(shmemPagemapImage(vma.shmid))) {
      return [warning(image, `shared memory ${vma.shmid} at ${range} has no ${shmemPagemapImage(vma.shmid)}: it restores zero-filled`, { entry: 0, field: `vmas.${i}.shmid` })];
    }
    return [];
  });
}

function checkPageRanges(task: Task, memory: Memory, pageMap: PageMap, hasParent: boolean): Finding[] {
  const image = pagemapImage(task.pid);
  return pageMap.ranges.flatMap((range, i) => {
    const entry = i + 1;
    const end = range.address + BigInt(range.pageCount) * PAGE;
    const pages = `${hex(range.address)}-${hex(end)}`;
    if (range.address % PAGE !== 0n) return [error(image, `range ${pages} does not start on a page`, { entry, field: 'vaddr' })];
    if (range.pageCount <= 0) return [error(image, `range at ${hex(range.address)} holds no pages`, { entry, field: 'nr_pages' })];
    const previous = pageMap.ranges[i - 1];
    const previousEnd = previous === undefined ? 0n : previous.address + BigInt(previous.pageCount) * PAGE;
    if (previousEnd > range.address) return [error(image, `range ${pages} starts before the end of entry ${entry - 1} (${hex(previousEnd)})`, { entry, field: 'vaddr' })];
    if (!isMapped(memory.vmas, range.address, end)) return [error(image, `range ${pages} is not inside the VMAs of ${mmImage(task.pid)}`, { entry, field: 'vaddr' })];
    if (range.flags?.inParent === true && !hasParent) return [error(image, `range ${pages} is in the parent checkpoint, but there is no parent link`, { entry, field: 'flags' })];
    return [];
  });
}

export function checkMemory(context: CheckContext): Finding[] {
  return context.checkpoint.tasks.flatMap((task) => {
    const { memory, pageMap } = task;
    if (memory === undefined) return [];
    return [...checkVmas(task, memory, context), ...(pageMap === undefined ? [] : checkPageRanges(task, memory, pageMap, context.hasParent))];
  });
}
