/**
 * /proc/PID/pagemap: one little-endian u64 per virtual page
 * (Documentation/admin-guide/mm/pagemap.rst).
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import { type Address, type Pid, procPath } from './types';

/** x86_64 base pages. */
export const PAGE_SIZE = 4096n;
export const PAGEMAP_ENTRY_SIZE = 8;

/** Flags of one pagemap entry (bits 55 to 63). */
export interface PageFlags {
  /** Bit 63: mapped to a page frame. */
  present: boolean;
  /** Bit 62: in swap. */
  swapped: boolean;
  /** Bit 61: a page of a file or of shared anonymous memory (not a private anonymous page). */
  fileOrSharedAnon: boolean;
  /** Bit 58: a guard region installed by madvise(MADV_GUARD_INSTALL). */
  guard: boolean;
  /** Bit 57: write-protected by userfaultfd. */
  uffdWriteProtected: boolean;
  /** Bit 56: mapped by this process only. */
  exclusive: boolean;
  /** Bit 55: written since soft-dirty bits were last cleared. */
  softDirty: boolean;
}

export interface PagemapEntry extends PageFlags {
  /** Page frame number when present (0 unless the reader has CAP_SYS_ADMIN). */
  pfn: bigint;
  /** Swap device (bits 0-4) and page offset in it (bits 5-54) when swapped. */
  swapType: number;
  swapOffset: bigint;
}

/** A stretch of consecutive pages with the same flags, all present or all swapped. */
export class PageRun {
  constructor(
    /** Index of the first page in the decoded buffer. */
    readonly firstPage: number,
    readonly pageCount: number,
    readonly flags: PageFlags,
    private readonly bufferAddress: Address,
  ) {}

  /** Virtual address of the first page (computed on demand: building a bigint per run costs more than the scan). */
  get address(): Address {
    return this.bufferAddress + BigInt(this.firstPage) * PAGE_SIZE;
  }
}

// The flags live in the high 32-bit half of each entry: bit 55 of the entry is bit 23 of that half.
const FLAGS_SHIFT = 23;
const PRESENT_OR_SWAPPED = 0b110000000;

function flagsFromHighBits(bits: number): PageFlags {
  return Object.freeze({
    present: (bits & 0b100000000) !== 0,
    swapped: (bits & 0b010000000) !== 0,
    fileOrSharedAnon: (bits & 0b001000000) !== 0,
    guard: (bits & 0b000001000) !== 0,
    uffdWriteProtected: (bits & 0b000000100) !== 0,
    exclusive: (bits & 0b000000010) !== 0,
    softDirty: (bits & 0b000000001) !== 0,
  });
}

/** The 512 possible flag sets, decoded once: runs share these frozen objects. */
const FLAG_SETS: readonly PageFlags[] = Array.from({ length: 512 }, (_, bits) => flagsFromHighBits(bits));

export function decodePagemapEntry(entry: bigint): PagemapEntry {
  const flags = FLAG_SETS[Number(entry >> 55n)];
  const low55 = entry & ((1n << 55n) - 1n);
  return {
    ...flags,
    pfn: flags.present ? low55 : 0n,
    swapType: flags.swapped ? Number(low55 & 0x1fn) : 0,
    swapOffset: flags.swapped ? low55 >> 5n : 0n,
  };
}

function highHalves(pagemap: Buffer): Uint32Array {
  if (pagemap.length % PAGEMAP_ENTRY_SIZE !== 0) {
    throw new AmberError(`pagemap: ${pagemap.length} bytes is not a whole number of 8-byte entries`);
  }
  if (pagemap.byteOffset % 4 === 0) return new Uint32Array(pagemap.buffer, pagemap.byteOffset, pagemap.length / 4);
  const aligned = new Uint32Array(pagemap.length / 4);
  new Uint8Array(aligned.buffer).set(pagemap);
  return aligned;
}

/**
 * Splits the entries of consecutive pages starting at `firstAddress` into runs
 * of present or swapped pages with equal flags; pages that are neither are
 * skipped. Reads only the high half of each entry (x86_64 is little-endian).
 */
export function pageRuns(pagemap: Buffer, firstAddress: Address): PageRun[] {
  const words = highHalves(pagemap);
  const runs: PageRun[] = [];
  const pages = words.length / 2;
  let page = 0;
  while (page < pages) {
    const bits = words[2 * page + 1] >>> FLAGS_SHIFT;
    const first = page;
    do page++;
    while (page < pages && words[2 * page + 1] >>> FLAGS_SHIFT === bits);
    if ((bits & PRESENT_OR_SWAPPED) !== 0) {
      runs.push(new PageRun(first, page - first, FLAG_SETS[bits], firstAddress));
    }
  }
  return runs;
}

/** An open pagemap file, for reading the entries of many VMAs of one task. */
export class PagemapFile {
  private constructor(
    readonly path: string,
    private readonly fd: number,
  ) {}

  static open(pid: Pid): PagemapFile {
    const path = procPath(pid, 'pagemap');
    return new PagemapFile(path, fs.openSync(path, 'r'));
  }

  /** The entries for the pages of [start, end); both page-aligned. */
  read(start: Address, end: Address): Buffer {
    if (start % PAGE_SIZE !== 0n || end % PAGE_SIZE !== 0n || end < start) {
      throw new AmberError(`${this.path}: range 0x${start.toString(16)}-0x${end.toString(16)} is not whole pages`);
    }
    const entries = Buffer.alloc(Number((end - start) / PAGE_SIZE) * PAGEMAP_ENTRY_SIZE);
    const position = (start / PAGE_SIZE) * BigInt(PAGEMAP_ENTRY_SIZE);
    let done = 0;
    while (done < entries.length) {
      const got = fs.readSync(this.fd, entries, done, entries.length - done, position + BigInt(done));
      if (got === 0) throw new AmberError(`${this.path}: short read at 0x${start.toString(16)}`);
      done += got;
    }
    return entries;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Reads the pagemap entries of [start, end) of one task. */
export function readPagemap(pid: Pid, start: Address, end: Address): Buffer {
  const file = PagemapFile.open(pid);
  try {
    return file.read(start, end);
  } finally {
    file.close();
  }
}
