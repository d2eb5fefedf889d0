/**
 * A task's memory contents: /proc/PID/pagemap says which pages exist (smaps
 * already does for an anonymous mapping with every page resident), and
 * only present or swapped pages go into pages-N.img, back to back in
 * address order, copied by amber (pages/pipelined-copy.ts). Reading
 * straight into a shared mapping of the file was slower (a page fault per
 * 4 KiB of the file; populating the mapping first cost as much).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AmberError } from '../errors';
import { PAGE_RANGE_BITS, type PageRange } from '../model';
import { flags } from '../model/codecs';
import { PagemapFile, PAGE_SIZE, pageRuns, type PageRun } from '../proc/pagemap';
import type { SmapsVma } from '../proc/smaps';
import type { Fd, Pid } from '../sys/types';
import type { MemoryRange } from '../sys/vm';
import { residentBytes } from '../proc/statm';
import { copyPages, startPageWriter } from './pages/pipelined-copy';

/** Pages whose pagemap entries are read at once (2 MiB of entries). */
const PAGEMAP_CHUNK_PAGES = 1 << 18;
const PAGE = Number(PAGE_SIZE);

const rangeFlags = flags(PAGE_RANGE_BITS);
const LAZY_PRESENT = rangeFlags.read(PAGE_RANGE_BITS.lazy | PAGE_RANGE_BITS.present);
const PRESENT = rangeFlags.read(PAGE_RANGE_BITS.present);

export const pagesImageName = (pagesId: number): string => `pages-${pagesId}.img`;

/** Mappings whose contents the kernel provides again on restore. */
const isKernelProvided = (vma: SmapsVma): boolean => vma.kind === 'vsyscall' || vma.kind === 'vvar' || vma.kind === 'vvar_vclock';

const isAnonymousPrivate = (vma: SmapsVma): boolean => vma.kind !== 'file' && vma.kind !== 'vdso' && !vma.shared;

/**
 * Whether a run of pages holds data only this checkpoint can give back: in
 * a private file mapping, pages still shared with the file's page cache are
 * read again from the file.
 */
function needsSaving(vma: SmapsVma, run: PageRun): boolean {
  if (run.flags.swapped) return true;
  return isAnonymousPrivate(vma) || vma.kind === 'vdso' || !run.flags.fileOrSharedAnon;
}

/**
 * Whether every page of a private anonymous VMA is present, as smaps
 * counted them: its resident size leaves out mappings of the zero page
 * (fs/proc/task_mmu.c counts only vm_normal_page), so it equals the size
 * only when pagemap too would find every page present, a walk saved.
 */
const isFullyResident = (vma: SmapsVma): boolean => isAnonymousPrivate(vma) && vma.usage.rss === Number(vma.end - vma.start);

/** Page ranges of one VMA worth saving, adjacent runs merged. */
function savedRanges(pid: Pid, pagemap: PagemapFile, vma: SmapsVma): PageRange[] {
  if (vma.read && isFullyResident(vma)) return [{ address: vma.start, pageCount: Number((vma.end - vma.start) / PAGE_SIZE), flags: LAZY_PRESENT }];
  const ranges: PageRange[] = [];
  const kind = isAnonymousPrivate(vma) ? LAZY_PRESENT : PRESENT;
  for (let start = vma.start; start < vma.end; start += BigInt(PAGEMAP_CHUNK_PAGES * PAGE)) {
    const chunkEnd = start + BigInt(PAGEMAP_CHUNK_PAGES * PAGE) < vma.end ? start + BigInt(PAGEMAP_CHUNK_PAGES * PAGE) : vma.end;
    for (const run of pageRuns(pagemap.read(start, chunkEnd), start)) {
      if (!needsSaving(vma, run)) continue;
      if (!vma.read) throw new AmberError(`task ${pid}: mapping 0x${vma.start.toString(16)} holds pages but is not readable; not supported yet`);
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last.address + BigInt(last.pageCount * PAGE) === run.address) last.pageCount += run.pageCount;
      else ranges.push({ address: run.address, pageCount: run.pageCount, flags: kind });
    }
  }
  return ranges;
}

/** The ranges of task `pid`'s memory a checkpoint must hold, in address order. */
export function savedPageRanges(pid: Pid, vmas: readonly SmapsVma[]): PageRange[] {
  const pagemap = PagemapFile.open(pid);
  try {
    return vmas.filter((vma) => !isKernelProvided(vma)).flatMap((vma) => savedRanges(pid, pagemap, vma));
  } finally {
    pagemap.close();
  }
}

export const pageCount = (ranges: readonly PageRange[]): number => ranges.reduce((sum, range) => sum + range.pageCount, 0);

const memoryRanges = (ranges: readonly PageRange[]): MemoryRange[] => ranges.map((range) => ({ addr: range.address, len: range.pageCount * PAGE }));

/** Below this much resident memory in a tree, starting the writer thread costs more than it saves. */
const WRITER_THREAD_MIN_BYTES = 64 << 20;

/** Gets the page copy of frozen tasks `pids` ready: a writer thread for a large tree, started while the rest is dumped. */
export function prepareToWritePages(pids: readonly Pid[]): void {
  if (pids.reduce((sum, pid) => sum + residentBytes(pid), 0) >= WRITER_THREAD_MIN_BYTES) startPageWriter();
}

/** Copies `ranges` of task `pid`'s memory, back to back, into pages-`pagesId`.img in `directory`. */
export function writePages(pid: Pid, ranges: readonly PageRange[], directory: string, pagesId: number, onPages: (pages: number) => void): void {
  const name = pagesImageName(pagesId);
  const fd = fs.openSync(path.join(directory, name), 'w') as Fd;
  try {
    copyPages(pid, { fd, name }, memoryRanges(ranges), (bytes) => onPages(bytes / PAGE));
  } finally {
    fs.closeSync(fd);
  }
}
