/**
 * Memory of other tasks: process_vm_readv/writev in batches of IOV_MAX ranges.
 */
import { AmberError } from '../errors';
import { IOV_MAX } from './constants';
import { isSyscallError, native, type RemoteRange } from './native';
import type { Pid } from './types';

/** `len` bytes of a task's memory from `addr`. */
export type MemoryRange = RemoteRange;

/**
 * How far a transfer got. The kernel stops at the first range it cannot
 * access (process_vm_readv(2)); `stoppedAt` is that range's index, or null
 * when every byte moved.
 */
export interface TransferResult {
  bytes: number;
  stoppedAt: number | null;
}

type VmCall = (pid: number, local: Buffer[], remote: RemoteRange[]) => number;

/** The bytes of `ranges` together. */
export const totalLength = (ranges: readonly MemoryRange[]): number => ranges.reduce((sum, range) => sum + range.len, 0);

/** Index of the range that holds byte `offset` of the concatenated ranges. */
function rangeAt(ranges: readonly MemoryRange[], offset: number): number {
  let start = 0;
  for (let i = 0; i < ranges.length; i++) {
    start += ranges[i].len;
    if (offset < start) return i;
  }
  return ranges.length - 1;
}

/** EFAULT means not even the first byte of the batch was accessible. */
function callOrNothing(call: VmCall, pid: Pid, local: Buffer, batch: MemoryRange[]): number {
  try {
    return call(pid, [local], batch);
  } catch (e) {
    if (isSyscallError(e, 'EFAULT')) return 0;
    throw e;
  }
}

function transfer(call: VmCall, pid: Pid, local: Buffer, ranges: readonly MemoryRange[]): TransferResult {
  const total = totalLength(ranges);
  if (local.length < total) throw new RangeError(`local buffer of ${local.length} bytes is shorter than ${total}`);
  let bytes = 0;
  for (let first = 0; first < ranges.length; first += IOV_MAX) {
    const batch = ranges.slice(first, first + IOV_MAX);
    const batchLength = totalLength(batch);
    const moved = callOrNothing(call, pid, local.subarray(bytes, bytes + batchLength), batch);
    bytes += moved;
    if (moved < batchLength) return { bytes, stoppedAt: first + rangeAt(batch, moved) };
  }
  return { bytes, stoppedAt: null };
}

function describeStop(pid: Pid, verb: string, ranges: readonly MemoryRange[], result: TransferResult): string {
  const range = ranges[result.stoppedAt ?? 0];
  return `task ${pid}: cannot ${verb} memory at 0x${range.addr.toString(16)} (${range.len} bytes)`;
}

/** Reads `ranges` of task memory into `target`, in order and back to back. */
function readTaskMemoryInto(pid: Pid, ranges: readonly MemoryRange[], target: Buffer): TransferResult {
  return transfer((p, l, r) => native().processVmReadv(p, l, r), pid, target, ranges);
}

/** Reads `ranges` of task memory back to back into a new Buffer; throws if any byte is unreadable. */
export function readTaskMemory(pid: Pid, ranges: readonly MemoryRange[]): Buffer {
  const target = Buffer.allocUnsafe(totalLength(ranges));
  const result = readTaskMemoryInto(pid, ranges, target);
  if (result.stoppedAt !== null) throw new AmberError(describeStop(pid, 'read', ranges, result));
  return target;
}

/** Writes `data` into `ranges` of task memory, in order; reports where it stopped. */
export function writeTaskMemory(pid: Pid, ranges: readonly MemoryRange[], data: Buffer): TransferResult {
  return transfer((p, l, r) => native().processVmWritev(p, l, r), pid, data, ranges);
}

/**
 * Task memory ranges for one process_vm_readv(2) call, held as numbers in
 * a reusable array, so that a loop filling and reading batch after batch
 * allocates nothing. Addresses are exact as doubles: x86_64 user space
 * ends below 2^47.
 */
export class RangeBatch {
  /** (address, length) pairs. */
  readonly pairs = new Float64Array(IOV_MAX * 2);
  count = 0;
  bytes = 0;

  /** The kernel takes at most IOV_MAX ranges in one call. */
  get full(): boolean {
    return this.count === IOV_MAX;
  }

  clear(): void {
    this.count = 0;
    this.bytes = 0;
  }

  add(addr: number, len: number): void {
    this.pairs[2 * this.count] = addr;
    this.pairs[2 * this.count + 1] = len;
    this.count++;
    this.bytes += len;
  }

  /** The task address of byte `offset` of the batch. */
  addressAt(offset: number): number {
    let start = 0;
    for (let i = 0; i < this.count; i++) {
      const len = this.pairs[2 * i + 1];
      if (offset < start + len) return this.pairs[2 * i] + (offset - start);
      start += len;
    }
    return this.pairs[2 * this.count - 2] + this.pairs[2 * this.count - 1];
  }
}

/**
 * Reads the ranges of `batch` back to back into `target`; returns how many
 * bytes it read, fewer than `batch.bytes` when it met an unreadable range.
 */
export function readBatchInto(pid: Pid, batch: RangeBatch, target: Buffer): number {
  try {
    return native().processVmReadvPairs(pid, target, batch.pairs, batch.count);
  } catch (e) {
    if (isSyscallError(e, 'EFAULT')) return 0;
    throw e;
  }
}
