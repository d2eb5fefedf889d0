/**
 * A task's memory contents: /proc/PID/pagemap says which pages exist (smaps
 * already does for an anonymous mapping with every page resident), and
 * only present or swapped pages go into pages-N.img, back to back in
 * address order, copied by amber (pages/pipelined-copy.ts). Reading
 * straight into a shared mapping of the file was slower (a page fault per
 * 4 KiB of the file; populating the mapping first cost as much).
 *
 * The pages are planned right after the freeze and their copy begins at
 * once (pages/page-copy.ts); what injection may write meanwhile is copied
 * again at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AmberError } from '../errors';
import { PAGE_RANGE_BITS, type PageRange } from '../model';
import { flags } from '../model/codecs';
import { PagemapFile, PAGE_SIZE, pageRuns, type PageRun } from '../proc/pagemap';
import { readSmaps, type SmapsVma } from '../proc/smaps';
import { signalsDelivered } from '../sys/inject';
import { LIFELINE_REACH } from '../sys/lifeline';
import * as ptrace from '../sys/ptrace';
import { parseGpRegs } from '../sys/regs';
import { traceStep } from '../sys/thread-stop';
import type { Address, Fd, Pid, Tid } from '../sys/types';
import type { MemoryRange } from '../sys/vm';
import { PageCopy } from './pages/page-copy';
import type { FileRun } from './pages/batches';
import type { PagesCopy, PagesTarget } from './pages/pipelined-copy';
import { holdsSharedObjectPages } from './shmem-mapping';

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

/**
 * Page ranges of one VMA worth saving, adjacent runs merged. The vdso is
 * saved whole: its pages are the kernel's and always there, though a task
 * maps them into its page tables only once it runs their code, as it does
 * when amber injects syscalls after the pages are planned (and a restorer
 * such as CRIU's checks the saved vdso).
 */
function savedRanges(pid: Pid, pagemap: PagemapFile, vma: SmapsVma): PageRange[] {
  const wholeVma = { address: vma.start, pageCount: Number((vma.end - vma.start) / PAGE_SIZE) };
  if (vma.kind === 'vdso') return [{ ...wholeVma, flags: PRESENT }];
  if (vma.read && isFullyResident(vma)) return [{ ...wholeVma, flags: LAZY_PRESENT }];
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

/** The ranges of task `pid`'s memory (VMAs `vmas`) a checkpoint must hold, in address order. */
export function savedPageRanges(pid: Pid, vmas: readonly SmapsVma[]): PageRange[] {
  const pagemap = PagemapFile.open(pid);
  try {
    return vmas.filter((vma) => !isKernelProvided(vma)).flatMap((vma) => savedRanges(pid, pagemap, vma));
  } finally {
    pagemap.close();
  }
}

const memoryRanges = (ranges: readonly PageRange[]): MemoryRange[] => ranges.map((range) => ({ addr: range.address, len: range.pageCount * PAGE }));

/** A frozen, live task's memory as the dump plans it. */
export interface MemoryPlan {
  pid: Pid;
  /** Every VMA, as smaps printed it. */
  smaps: SmapsVma[];
  /** What its pages file holds, in address order. */
  ranges: PageRange[];
  /** Its threads, whose stacks and rseq areas injection writes into. */
  threads: readonly Tid[];
}

export function planMemory(pid: Pid, threads: readonly Tid[]): MemoryPlan {
  const smaps = readSmaps(pid);
  return { pid, smaps, threads, ranges: savedPageRanges(pid, smaps.filter((vma) => !holdsSharedObjectPages(pid, vma))) };
}

interface AddressWindow {
  start: Address;
  end: Address;
}

const pageDown = (address: Address): Address => address - (address % PAGE_SIZE);
const pageUp = (address: Address): Address => pageDown(address + PAGE_SIZE - 1n);

/** The last struct rseq field a dump reads or writes ends here (rseq_cs, after cpu_id_start and cpu_id). */
const RSEQ_CS_END = 16n;

/** Where injection into `tid` may write: the lifeline below its stack pointer, and its rseq_cs word. */
function injectionWindows(pid: Pid, tid: Tid): AddressWindow[] {
  const rsp = parseGpRegs(traceStep(pid, tid, 'PTRACE_GETREGSET', () => ptrace.getRegs(tid))).rsp;
  const windows = [{ start: pageDown(rsp - LIFELINE_REACH), end: pageUp(rsp) }];
  const rseq = traceStep(pid, tid, 'PTRACE_GET_RSEQ_CONFIGURATION', () => ptrace.getRseqConfiguration(tid)).rseqAbiPointer;
  if (rseq !== 0n) windows.push({ start: pageDown(rseq), end: pageUp(rseq + RSEQ_CS_END) });
  return windows;
}

/** The parts of `ranges` (back to back in their pages file) within `windows`, each where the file holds it. */
function runsWithin(ranges: readonly PageRange[], windows: readonly AddressWindow[]): FileRun[] {
  const runs: FileRun[] = [];
  let position = 0;
  for (const range of ranges) {
    const end = range.address + BigInt(range.pageCount * PAGE);
    for (const window of windows) {
      const from = window.start > range.address ? window.start : range.address;
      const to = window.end < end ? window.end : end;
      if (from < to) runs.push({ position: position + Number(from - range.address), ranges: [{ addr: from, len: Number(to - from) }] });
    }
    position += range.pageCount * PAGE;
  }
  return runs;
}

/** One pages file of a dump, open while its pages are copied. */
interface PagesFile {
  plan: MemoryPlan;
  target: PagesTarget;
}

/**
 * The pages files of a dump, pages-1.img on, one per planned task in
 * order: created and their copy begun at once, finished when the rest of
 * the tree's state has been read.
 */
export class PagesFiles {
  private readonly files: PagesFile[] = [];
  private readonly copy: PageCopy;
  private readonly signalsBefore = signalsDelivered();

  /** Each file's name goes into `written` before it exists. */
  constructor(directory: string, plans: readonly MemoryPlan[], written: string[], onPages: (pages: number) => void) {
    this.copy = new PageCopy(onPages);
    try {
      plans.forEach((plan, index) => {
        const name = pagesImageName(index + 1);
        written.push(name);
        this.files.push({ plan, target: { fd: fs.openSync(path.join(directory, name), 'w') as Fd, name } });
      });
      this.copy.begin(this.files.map((file) => this.wholeFile(file)));
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** The pages id of task `pid`'s file. */
  pagesId(pid: Pid): number {
    return this.files.findIndex((file) => file.plan.pid === pid) + 1;
  }

  /** Copies again what injection may have changed since the copy began, and returns once every page is written. */
  finish(): void {
    if (!this.copy.inBackground) {
      this.copy.finish([]);
      return;
    }
    // A delivered signal wrote a frame where the task's handler runs, maybe on an alternate stack: copy everything again.
    const everything = signalsDelivered() !== this.signalsBefore;
    this.copy.finish(
      this.files.map((file) => {
        if (everything) return this.wholeFile(file);
        const windows = file.plan.threads.flatMap((tid) => injectionWindows(file.plan.pid, tid));
        return this.copyOf(file, runsWithin(file.plan.ranges, windows));
      }),
    );
  }

  /** Stops the copy of a dump that failed; the files stay for the dump to remove. */
  abandon(): void {
    this.copy.abandon();
  }

  /** Closes the files, once nothing copies into them any more. */
  close(): void {
    for (const file of this.files.splice(0)) fs.closeSync(file.target.fd);
  }

  private copyOf(file: PagesFile, runs: FileRun[]): PagesCopy {
    return { pid: file.plan.pid, target: file.target, runs };
  }

  /** Every planned page of `file`, back to back from its start. */
  private wholeFile(file: PagesFile): PagesCopy {
    return this.copyOf(file, [{ position: 0, ranges: memoryRanges(file.plan.ranges) }]);
  }
}
