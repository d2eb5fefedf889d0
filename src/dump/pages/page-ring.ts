/**
 * What the filling thread (amber's main thread or the copy thread) and the
 * page writer thread (writer-thread.ts) share: a ring of slots in shared
 * memory, each filled with task memory by the filling thread and written
 * into a pages file by the writer, and the counters that pass slots
 * between them (Atomics.wait/notify).
 */
import * as fs from 'node:fs';

/** Indexes into the shared Int32Array of counters. */
export enum RingCell {
  /** Set by the writer once it runs. */
  Ready = 0,
  /** Slots filled so far. */
  Filled = 1,
  /** Slots written by the writer so far. */
  Written = 2,
  /** The errno of a failed write; the writer ends at it. */
  Failed = 3,
}

const RING_CELLS = 4;
/** Per slot: fd, file position, length. */
const SLOT_FIELDS = 3;

export interface PageRingData {
  cells: Int32Array;
  slots: Float64Array;
  data: SharedArrayBuffer;
  slotBytes: number;
}

export class PageRing {
  private readonly buffers: Buffer[];

  private constructor(readonly shared: PageRingData) {
    const count = shared.slots.length / SLOT_FIELDS;
    this.buffers = Array.from({ length: count }, (_, index) => Buffer.from(shared.data, index * shared.slotBytes, shared.slotBytes));
  }

  /** A ring of `slotCount` slots of `slotBytes` each. */
  static create(slotCount: number, slotBytes: number): PageRing {
    return new PageRing({
      cells: new Int32Array(new SharedArrayBuffer(RING_CELLS * Int32Array.BYTES_PER_ELEMENT)),
      slots: new Float64Array(new SharedArrayBuffer(slotCount * SLOT_FIELDS * Float64Array.BYTES_PER_ELEMENT)),
      data: new SharedArrayBuffer(slotCount * slotBytes),
      slotBytes,
    });
  }

  static attach(shared: PageRingData): PageRing {
    return new PageRing(shared);
  }

  get slotCount(): number {
    return this.buffers.length;
  }

  /** The buffer of the slot that holds fill number `sequence`. */
  buffer(sequence: number): Buffer {
    return this.buffers[sequence % this.slotCount]!;
  }

  /** Writes `length` bytes of the slot of fill number `sequence` at `position` of `fd`. */
  writeSlot(sequence: number, fd: number, position: number, length: number): void {
    const buffer = this.buffer(sequence);
    for (let done = 0; done < length; ) done += fs.writeSync(fd, buffer, done, length - done, position + done);
  }

  /** Says where the slot of fill number `sequence` goes, for the writer. */
  describe(sequence: number, fd: number, position: number, length: number): void {
    const at = (sequence % this.slotCount) * SLOT_FIELDS;
    this.shared.slots[at] = fd;
    this.shared.slots[at + 1] = position;
    this.shared.slots[at + 2] = length;
  }

  /** Writes the slot of fill number `sequence` where `describe` said. */
  writeDescribed(sequence: number): void {
    const at = (sequence % this.slotCount) * SLOT_FIELDS;
    const slots = this.shared.slots;
    this.writeSlot(sequence, slots[at], slots[at + 1], slots[at + 2]);
  }

  get(cell: RingCell): number {
    return Atomics.load(this.shared.cells, cell);
  }

  set(cell: RingCell, value: number): void {
    Atomics.store(this.shared.cells, cell, value);
    Atomics.notify(this.shared.cells, cell);
  }

  /** Waits up to `ms` while `cell` still holds `value`. */
  waitWhile(cell: RingCell, value: number, ms: number): void {
    Atomics.wait(this.shared.cells, cell, value, ms);
  }
}
