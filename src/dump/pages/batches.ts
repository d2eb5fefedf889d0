/** Cutting lists of memory ranges into batches for one system call each. */
import type { MemoryRange } from '../../sys/vm';

export const totalBytes = (ranges: readonly MemoryRange[]): number => ranges.reduce((sum, range) => sum + range.len, 0);

/** Walks `ranges` in order, a batch at a time; a range may be split between batches. */
export class RangeCursor {
  private index = 0;
  private done = 0;

  constructor(private readonly ranges: readonly MemoryRange[]) {}

  get finished(): boolean {
    return this.index === this.ranges.length;
  }

  /** The next batch: at most `maxBytes` bytes in at most `maxRanges` ranges. */
  next(maxBytes: number, maxRanges: number): MemoryRange[] {
    const batch: MemoryRange[] = [];
    let bytes = 0;
    while (!this.finished && bytes < maxBytes && batch.length < maxRanges) {
      const range = this.ranges[this.index];
      const len = Math.min(range.len - this.done, maxBytes - bytes);
      batch.push({ addr: range.addr + BigInt(this.done), len });
      bytes += len;
      this.done += len;
      if (this.done === range.len) {
        this.index++;
        this.done = 0;
      }
    }
    return batch;
  }
}

/** `ranges` in order, in batches of at most `maxBytes` and `maxRanges` ranges; a range may be split between batches. */
export function* batchesOf(ranges: readonly MemoryRange[], maxBytes: number, maxRanges: number): Generator<MemoryRange[]> {
  const cursor = new RangeCursor(ranges);
  while (!cursor.finished) yield cursor.next(maxBytes, maxRanges);
}

/** What is left of `ranges` after their first `bytes` bytes. */
export function withoutFirst(ranges: readonly MemoryRange[], bytes: number): MemoryRange[] {
  const left: MemoryRange[] = [];
  let skip = bytes;
  for (const range of ranges) {
    if (skip >= range.len) {
      skip -= range.len;
      continue;
    }
    left.push({ addr: range.addr + BigInt(skip), len: range.len - skip });
    skip = 0;
  }
  return left;
}

/** A piece of one of a list of ranges that lie back to back in a file from offset 0, and where it lies. */
export interface FilePiece {
  range: MemoryRange;
  offset: number;
}

/** The pieces of `ranges` (back to back in a file) inside the addresses [start, end). */
export function piecesWithin(ranges: readonly MemoryRange[], start: bigint, end: bigint): FilePiece[] {
  const pieces: FilePiece[] = [];
  let offset = 0;
  for (const range of ranges) {
    const from = range.addr > start ? range.addr : start;
    const rangeEnd = range.addr + BigInt(range.len);
    const to = rangeEnd < end ? rangeEnd : end;
    if (from < to) pieces.push({ range: { addr: from, len: Number(to - from) }, offset: offset + Number(from - range.addr) });
    offset += range.len;
  }
  return pieces;
}
