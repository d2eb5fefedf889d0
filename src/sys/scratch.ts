/**
 * Where to put a scratch page in a task's address space, and access to its
 * bytes from amber.
 */
import { AmberError } from '../errors';
import { PAGE_SIZE } from './constants';
import type { Address, Pid } from './types';
import { readTaskMemory, writeTaskMemory } from './vm';

const PAGE = BigInt(PAGE_SIZE);
/** The top of the x86_64 user address space with 4-level page tables (TASK_SIZE_MAX). */
const USER_SPACE_END = 0x7fff_ffff_f000n;

/**
 * A page-aligned address in the middle of the largest hole between the
 * task's mappings. Free pages on both sides keep the kernel from merging the
 * scratch page with a neighbour, so unmapping it leaves the maps exactly as
 * they were; the middle of a hole also stays clear of a stack's guard gap.
 */
/** Any mapped range: only where mappings start and end matters here. */
export interface AddressRange {
  start: Address;
  end: Address;
}

export function chooseScratchAddress(vmas: readonly AddressRange[], pages = 1): Address {
  const size = BigInt(pages) * PAGE;
  const sorted = [...vmas].filter((vma) => vma.start < USER_SPACE_END).sort((a, b) => (a.start < b.start ? -1 : 1));
  let best: { start: Address; end: Address } | null = null;
  let holeStart = PAGE;
  for (const vma of [...sorted, { start: USER_SPACE_END, end: USER_SPACE_END }]) {
    if (best === null || vma.start - holeStart > best.end - best.start) best = { start: holeStart, end: vma.start };
    if (vma.end > holeStart) holeStart = vma.end;
  }
  if (best === null || best.end - best.start < size + 2n * PAGE) {
    throw new AmberError(`no free hole of ${pages + 2} pages in the address space`);
  }
  const middle = best.start + (best.end - best.start - size) / 2n;
  return middle - (middle % PAGE);
}

/** A page of a task's memory that amber mapped for itself, read and written from outside. */
export class ScratchPage {
  constructor(
    readonly pid: Pid,
    readonly address: Address,
    readonly size: number,
  ) {}

  /** Copies `data` to `offset` in the page and returns its address in the task. */
  write(data: Buffer, offset = 0): Address {
    this.checkRange(offset, data.length);
    const range = { addr: this.address + BigInt(offset), len: data.length };
    const result = writeTaskMemory(this.pid, [range], data);
    if (result.stoppedAt !== null) throw new AmberError(`task ${this.pid}: cannot write its scratch page at 0x${this.address.toString(16)}`);
    return range.addr;
  }

  read(offset: number, length: number): Buffer {
    this.checkRange(offset, length);
    return readTaskMemory(this.pid, [{ addr: this.address + BigInt(offset), len: length }]);
  }

  private checkRange(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new RangeError(`scratch page access of ${length} bytes at ${offset} is outside its ${this.size} bytes`);
    }
  }
}
