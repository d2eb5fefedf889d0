/**
 * The kernel's own mappings of a fresh task, vdso and vvar, kept while the
 * rest of the inherited address space goes, and moved (mremap) to where the
 * image has them. The image records [vvar] and [vvar_vclock] as one VMA;
 * the kernel moves each of its parts alone, at the same offset.
 */
import { AmberError } from '../errors';
import type { Vma as ImageVma } from '../model';
import { readMaps, type Vma as LiveVma } from '../proc/maps';
import { Syscall } from '../sys/syscall-numbers';
import type { Address } from '../sys/types';
import type { RestoringTask } from './context';
import { freeStretch } from './scratch-layout';

const MREMAP_MAYMOVE = 1;
const MREMAP_FIXED = 2;

export function isSpecialImageVma(vma: ImageVma): boolean {
  return vma.kind.vdso || vma.kind.vvar || vma.kind.vsyscall;
}

/** The task's current vdso and vvar parts, which survive the unmapping. */
export function liveSpecialMappings(vmas: readonly LiveVma[]): LiveVma[] {
  return vmas.filter((vma) => vma.kind === 'vdso' || vma.kind === 'vvar' || vma.kind === 'vvar_vclock');
}

interface Move {
  what: string;
  from: Address;
  size: bigint;
  to: Address | null;
}

/** The stretch the image's VMAs of one kind cover (CRIU records vvar as one VMA, amber as one per part). */
function imageStretch(vmas: readonly ImageVma[]): { start: Address; end: Address } | undefined {
  if (vmas.length === 0) return undefined;
  return { start: vmas.reduce((min, vma) => (vma.start < min ? vma.start : min), vmas[0].start), end: vmas.reduce((max, vma) => (vma.end > max ? vma.end : max), vmas[0].end) };
}

/** Where each live part goes: at its offset in its group's image stretch, or nowhere when the image has none (unmapped). */
function plannedMoves(task: RestoringTask, live: readonly LiveVma[], image: readonly ImageVma[]): Move[] {
  const groups = [
    { what: 'vdso', parts: live.filter((vma) => vma.kind === 'vdso'), target: imageStretch(image.filter((vma) => vma.kind.vdso)) },
    { what: 'vvar', parts: live.filter((vma) => vma.kind === 'vvar' || vma.kind === 'vvar_vclock'), target: imageStretch(image.filter((vma) => vma.kind.vvar)) },
  ];
  return groups.flatMap(({ what, parts, target }) => {
    if (parts.length === 0) {
      if (target !== undefined) throw new AmberError(`task ${task.task.pid}: the image has a ${what} but this kernel gives the task none`);
      return [];
    }
    const start = parts[0].start;
    const size = parts[parts.length - 1].end - start;
    if (target !== undefined && target.end - target.start !== size) {
      throw new AmberError(`task ${task.task.pid}: this kernel's ${what} is ${size} bytes, the image's ${target.end - target.start}`);
    }
    return parts.map((part) => ({ what, from: part.start, size: part.end - part.start, to: target === undefined ? null : target.start + (part.start - start) }));
  });
}

function move(task: RestoringTask, step: Move, from: Address, to: Address): void {
  const flags = BigInt(MREMAP_MAYMOVE | MREMAP_FIXED);
  task.main.check(`moving its ${step.what} to 0x${to.toString(16)}`, Syscall.Mremap, from, step.size, step.size, flags, to);
}

/** Puts the part now at `at` where the image has it, or unmaps it when the image has none. */
function settle(task: RestoringTask, step: Move, at: Address): void {
  if (step.to === null) task.main.check(`unmapping its ${step.what}`, Syscall.Munmap, at, step.size);
  else if (step.to !== at) move(task, step, at, step.to);
}

/** Whether some part's image address overlaps where a part is now (but its own place already). */
function targetsOverlapParts(moves: readonly Move[]): boolean {
  return moves.some(({ from, size, to }) => to !== null && to !== from && moves.some((part) => to < part.from + part.size && part.from < to + size));
}

/**
 * Moves vdso and vvar to their image addresses: straight there when no
 * image address overlaps a live part, else first to one free stretch out
 * of the way, so that no part lands on another not yet moved.
 */
export function placeSpecialMappings(task: RestoringTask, image: readonly ImageVma[]): void {
  const live = liveSpecialMappings(readMaps(task.main.pid));
  const moves = plannedMoves(task, live, image);
  if (!targetsOverlapParts(moves)) {
    for (const step of moves) settle(task, step, step.from);
    return;
  }
  const pages = Number(moves.reduce((sum, step) => sum + step.size, 0n) / 4096n);
  let parking = freeStretch(readMaps(task.main.pid), image, pages);
  const parked = moves.map((step) => {
    move(task, step, step.from, parking);
    const at = parking;
    parking += step.size;
    return { step, at };
  });
  for (const { step, at } of parked) settle(task, step, at);
}
