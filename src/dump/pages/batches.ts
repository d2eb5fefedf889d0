/** Cutting a copy's memory ranges into batches, one process_vm_readv(2) call and one ring slot each. */
import type { MemoryRange, RangeBatch } from '../../sys/vm';

/** Addresses up to here are exact as doubles; x86_64 user space ends far below, at 2^47. */
const MAX_EXACT_ADDRESS = BigInt(Number.MAX_SAFE_INTEGER);

/** Task memory to write back to back into a pages file from `position` on. */
export interface FileRun {
  position: number;
  ranges: MemoryRange[];
}

/**
 * Walks runs of task memory in order, a batch at a time; a range may be
 * split between batches, and a batch fills one stretch of the file. The
 * ranges are held as numbers, so that the walk allocates nothing.
 */
export class RunCursor {
  /** Per range: address, length. */
  private readonly ranges: Float64Array;
  /** Per range: the file position of its first byte. */
  private readonly positions: Float64Array;
  private index = 0;
  private done = 0;

  constructor(runs: readonly FileRun[]) {
    const count = runs.reduce((sum, run) => sum + run.ranges.length, 0);
    this.ranges = new Float64Array(count * 2);
    this.positions = new Float64Array(count);
    let index = 0;
    for (const run of runs) {
      let position = run.position;
      for (const range of run.ranges) {
        if (range.addr > MAX_EXACT_ADDRESS) throw new RangeError(`address 0x${range.addr.toString(16)} is beyond user space`);
        this.ranges[2 * index] = Number(range.addr);
        this.ranges[2 * index + 1] = range.len;
        this.positions[index] = position;
        position += range.len;
        index++;
      }
    }
  }

  get finished(): boolean {
    return this.index === this.positions.length;
  }

  /**
   * Fills `batch` with the next bytes, at most `maxBytes` of them, going
   * back to back into the file; returns the file position of the first.
   */
  next(batch: RangeBatch, maxBytes: number): number {
    batch.clear();
    const position = this.positions[this.index] + this.done;
    while (!this.finished && batch.bytes < maxBytes && !batch.full) {
      const index = this.index;
      if (this.positions[index] + this.done !== position + batch.bytes) break;
      const len = Math.min(this.ranges[2 * index + 1] - this.done, maxBytes - batch.bytes);
      batch.add(this.ranges[2 * index] + this.done, len);
      this.done += len;
      if (this.done < this.ranges[2 * index + 1]) continue;
      this.index++;
      this.done = 0;
    }
    return position;
  }
}
