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
