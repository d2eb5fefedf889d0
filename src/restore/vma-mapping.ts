/**
 * Mapping a task's image VMAs at their addresses. Adjacent private VMAs
 * that one mmap can make (the same file at consecutive offsets, or
 * anonymous memory) are mapped together, then the members whose
 * protection differs are mprotect-ed: the kernel splits the mapping into
 * the same VMAs with the same flags as one mmap per VMA would have made.
 */
import { AmberError } from '../errors';
import type { FileId, Vma } from '../model';
import { MAP_PRIVATE, MAP_SHARED, PROT_WRITE } from '../sys/constants';
import { Syscall } from '../sys/syscall-numbers';
import type { Address } from '../sys/types';
import type { RestoringTask } from './context';
import { isSharedMemoryVma, type SharedMemoryObjects } from './shmem';
import { closeInTask } from './task-files';

const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const MAP_GROWSDOWN = 0x100;

/** An image VMA with the protection it is mapped with while its pages are filled. */
export interface PlannedVma {
  vma: Vma;
  prot: number;
}

interface Stretch {
  start: Address;
  end: Address;
  prot: number;
}

const hex = (address: Address): string => `0x${address.toString(16)}`;

/** Why amber cannot map this VMA yet, or null. */
function unsupported(vma: Vma): string | null {
  const { kind, mapping } = vma;
  if (kind.sysvIpc) return 'System V shared memory';
  if (mapping.shared && mapping.anonymous && !kind.anonShared) return 'shared anonymous memory without its object';
  if (kind.aioRing) return 'an AIO ring';
  if (kind.socket) return 'a packet socket ring';
  if (kind.unsupported) return 'a mapping the dump could not describe';
  return null;
}

export function protectionBits(vma: Vma): number {
  return (vma.protection.read ? 1 : 0) | (vma.protection.write ? 2 : 0) | (vma.protection.exec ? 4 : 0);
}

/**
 * A private VMA with pages to fill is mapped writable, and protected as it
 * was afterwards; every other VMA is mapped with its own protection. That
 * also keeps the kernel's VM_ACCOUNT mark as it was (set on private
 * mappings that were ever writable), so neighbours merge, or stay apart,
 * as they did in the dumped task.
 */
export function mappingProtection(vma: Vma, hasPages: boolean): number {
  return !vma.mapping.shared && hasPages ? protectionBits(vma) | PROT_WRITE : protectionBits(vma);
}

/**
 * Whether `next` extends the mmap that made `last`: adjacent, private, not
 * growing down, both anonymous or the same file at the matching offset, and
 * both mapped writable or both not (mprotect to writable sets VM_ACCOUNT
 * for good, as an mmap would; mprotect away from writable does not clear it).
 */
function extendsMapping(last: PlannedVma, next: PlannedVma): boolean {
  const ownMapping = (planned: PlannedVma): boolean =>
    planned.vma.mapping.private && !planned.vma.mapping.shared && !planned.vma.mapping.growsDown && !isSharedMemoryVma(planned.vma);
  const sameBacking = last.vma.mapping.anonymous
    ? next.vma.mapping.anonymous
    : !next.vma.mapping.anonymous && next.vma.shmid === last.vma.shmid && next.vma.fileOffset - last.vma.fileOffset === next.vma.start - last.vma.start;
  return last.vma.end === next.vma.start && ownMapping(last) && ownMapping(next) && sameBacking && (last.prot & PROT_WRITE) === (next.prot & PROT_WRITE);
}

/** The VMAs in runs that one mmap each can make. */
function mappingGroups(planned: readonly PlannedVma[]): PlannedVma[][] {
  const groups: PlannedVma[][] = [];
  for (const next of planned) {
    const group = groups.at(-1);
    const last = group?.at(-1);
    if (group !== undefined && last !== undefined && extendsMapping(last, next)) group.push(next);
    else groups.push([next]);
  }
  return groups;
}

/** mprotect for each stretch, adjacent stretches of equal protection in one call. */
export function protectStretches(task: RestoringTask, stretches: readonly Stretch[]): void {
  const merged: Stretch[] = [];
  for (const stretch of stretches) {
    const last = merged.at(-1);
    if (last !== undefined && last.end === stretch.start && last.prot === stretch.prot) last.end = stretch.end;
    else merged.push({ ...stretch });
  }
  for (const { start, end, prot } of merged) task.main.check(`protecting ${hex(start)}-${hex(end)}`, Syscall.Mprotect, start, end - start, BigInt(prot));
}

function mapGroup(task: RestoringTask, group: readonly PlannedVma[], files: ReadonlyMap<FileId, bigint>, shared: SharedMemoryObjects): void {
  const [{ vma, prot }] = group;
  const end = group[group.length - 1].vma.end;
  const { mapping } = vma;
  const object = isSharedMemoryVma(vma) ? shared.openFor(task, vma) : undefined;
  const anonymous = mapping.anonymous && object === undefined;
  const flags = (mapping.shared ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED | (anonymous ? MAP_ANONYMOUS : 0) | (mapping.growsDown ? MAP_GROWSDOWN : 0);
  const fd = object ?? (anonymous ? -1n : (files.get(Number(vma.shmid) as FileId) ?? -1n));
  const offset = anonymous ? 0n : vma.fileOffset;
  task.main.check(`mapping ${hex(vma.start)}-${hex(end)}`, Syscall.Mmap, vma.start, end - vma.start, BigInt(prot), BigInt(flags), fd, offset);
  if (object !== undefined) closeInTask(task, object);
  protectStretches(
    task,
    group.filter((member) => member.prot !== prot).map((member) => ({ start: member.vma.start, end: member.vma.end, prot: member.prot })),
  );
}

/** Maps every planned VMA (`files`: the fds open in the task by file id) with its planned protection. */
export function mapVmas(task: RestoringTask, planned: readonly PlannedVma[], files: ReadonlyMap<FileId, bigint>, shared: SharedMemoryObjects): void {
  for (const { vma } of planned) {
    const problem = unsupported(vma);
    if (problem !== null) throw new AmberError(`task ${task.task.pid}: VMA ${hex(vma.start)}-${hex(vma.end)} is ${problem}, which amber cannot restore yet`);
  }
  for (const group of mappingGroups(planned)) mapGroup(task, group, files, shared);
}
