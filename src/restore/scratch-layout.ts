/**
 * How restore uses a task's scratch page: its first bytes hold the one
 * `syscall` instruction every injected syscall runs and an int3 right
 * after it (see remote-task.ts); the rest is room for syscall arguments,
 * written from amber before each call.
 */
import { PAGE_SIZE } from '../sys/constants';
import { chooseScratchAddress, type AddressRange, type ScratchPage } from '../sys/scratch';
import type { Address } from '../sys/types';

/** The code every injected syscall runs: `syscall`, then `int3` (see remote-task.ts). */
export const SCRATCH_CODE = Buffer.from([0x0f, 0x05, 0xcc]);
/** Where arguments start: past the code, 16-byte aligned. */
export const ARGUMENTS_OFFSET = 16;
export const SCRATCH_SIZE = PAGE_SIZE;

/** Writes `parts` back to back (each 16-byte aligned) into the argument area; returns their addresses in the task. */
export function writeArguments(scratch: ScratchPage, ...parts: Buffer[]): Address[] {
  let offset = ARGUMENTS_OFFSET;
  return parts.map((part) => {
    const address = scratch.write(part, offset);
    offset += Math.ceil(part.length / 16) * 16;
    return address;
  });
}

/** A NUL-terminated path for a syscall argument. */
export function cString(text: string): Buffer {
  return Buffer.from(`${text}\0`);
}

/** `pages` free pages in the middle of the largest hole that neither the live mappings nor the image's VMAs use. */
export function freeStretch(live: readonly AddressRange[], image: readonly AddressRange[], pages = 1): Address {
  return chooseScratchAddress([...live, ...image], pages);
}
