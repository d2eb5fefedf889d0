/**
 * A task's address space: the inherited one goes (all but the scratch page
 * and the kernel's vdso and vvar), every image VMA is mapped at its address,
 * its pages are read straight from the page image by the task itself (one
 * copy), then protections, vdso/vvar places and the mm's bounds, auxv and
 * exe link are set as the image has them.
 */
import * as path from 'node:path';
import { AmberError } from '../errors';
import { pageLocations, type Checkpoint, type FileId, type Memory, type PageMap, type Vma } from '../model';
import { readMaps } from '../proc/maps';
import { MAP_PRIVATE, MAP_SHARED, PAGE_SIZE, PROT_WRITE } from '../sys/constants';
import { Syscall } from '../sys/syscall-numbers';
import type { Address } from '../sys/types';
import type { RestoringTask } from './context';
import { writeArguments } from './scratch-layout';
import { isSharedMemoryVma, type SharedMemoryObjects } from './shmem';
import { isSpecialImageVma, liveSpecialMappings, placeSpecialMappings } from './special-mappings';
import { closeInTask, openInTask, regularFilePath } from './task-files';

const PAGE = BigInt(PAGE_SIZE);
/** The top of the x86_64 user address space with 4-level page tables. */
const USER_SPACE_END = 0x7fff_ffff_f000n;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const MAP_GROWSDOWN = 0x100;
const O_RDONLY = 0;
const O_RDWR = 2;
const O_ACCESS_MODE = 0o3;
const PR_SET_DUMPABLE = 4;
const PR_SET_MM = 35;
const PR_SET_MM_MAP = 14;
/** struct prctl_mm_map (<linux/prctl.h>): eleven u64 bounds, the auxv pointer, its size and exe_fd. */
const MM_MAP_SIZE = 104;
/** One pread moves at most this much (MAX_RW_COUNT, rounded down to pages). */
const MAX_READ = 0x7fff_f000;

const hex = (address: Address): string => `0x${address.toString(16)}`;

/** Unmaps every stretch of the inherited address space but the scratch page, vdso and vvar. */
function unmapInherited(task: RestoringTask): void {
  const kept = [...liveSpecialMappings(readMaps(task.main.pid)), { start: task.scratch.address, end: task.scratch.address + BigInt(task.scratch.size) }];
  kept.sort((a, b) => (a.start < b.start ? -1 : 1));
  let from = 0n;
  for (const stretch of [...kept, { start: USER_SPACE_END, end: USER_SPACE_END }]) {
    if (stretch.start > from) task.main.check('unmapping the inherited address space', Syscall.Munmap, from, stretch.start - from);
    from = stretch.end;
  }
}

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

/** Opens in the task every file the image maps (and its executable), once each. */
function openMappedFiles(checkpoint: Checkpoint, task: RestoringTask, memory: Memory): Map<FileId, bigint> {
  const opened = new Map<FileId, bigint>();
  const open = (id: FileId, flags: number): void => {
    if (opened.has(id)) return;
    const file = regularFilePath(checkpoint, id, `task ${task.task.pid}`);
    opened.set(id, openInTask(task, file, flags, 'to map it'));
  };
  for (const vma of memory.vmas) {
    // A writable shared mapping needs a file opened for writing, whatever the dump recorded.
    const needed = vma.mapping.shared && vma.protection.write ? O_RDWR : O_RDONLY;
    if (!vma.mapping.anonymous && !isSpecialImageVma(vma) && !isSharedMemoryVma(vma)) open(Number(vma.shmid) as FileId, (vma.fileFlags ?? needed) & O_ACCESS_MODE);
  }
  open(memory.executable, O_RDONLY);
  return opened;
}

function protectionBits(vma: Vma): number {
  return (vma.protection.read ? 1 : 0) | (vma.protection.write ? 2 : 0) | (vma.protection.exec ? 4 : 0);
}

/**
 * A private VMA with pages to fill is mapped writable, and protected as it
 * was afterwards; every other VMA is mapped with its own protection. That
 * also keeps the kernel's VM_ACCOUNT mark as it was (set on private
 * mappings that were ever writable), so neighbours merge, or stay apart,
 * as they did in the dumped task.
 */
function mappingProtection(vma: Vma, hasPages: boolean): number {
  return !vma.mapping.shared && hasPages ? protectionBits(vma) | PROT_WRITE : protectionBits(vma);
}

function mapVma(task: RestoringTask, vma: Vma, prot: number, files: Map<FileId, bigint>, shared: SharedMemoryObjects): void {
  const problem = unsupported(vma);
  if (problem !== null) throw new AmberError(`task ${task.task.pid}: VMA ${hex(vma.start)}-${hex(vma.end)} is ${problem}, which amber cannot restore yet`);
  const { mapping } = vma;
  const object = isSharedMemoryVma(vma) ? shared.openFor(task, vma) : undefined;
  const anonymous = mapping.anonymous && object === undefined;
  const flags = (mapping.shared ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED | (anonymous ? MAP_ANONYMOUS : 0) | (mapping.growsDown ? MAP_GROWSDOWN : 0);
  const fd = object ?? (anonymous ? -1n : (files.get(Number(vma.shmid) as FileId) ?? -1n));
  const offset = anonymous ? 0n : vma.fileOffset;
  task.main.check(`mapping ${hex(vma.start)}-${hex(vma.end)}`, Syscall.Mmap, vma.start, vma.end - vma.start, BigInt(prot), BigInt(flags), fd, offset);
  if (object !== undefined) closeInTask(task, object);
}

/** Whether a page range lies in one of the VMAs amber mapped (the kernel fills vdso and vvar itself). */
function inMappedVma(vmas: readonly Vma[], address: Address): boolean {
  return vmas.some((vma) => vma.start <= address && address < vma.end);
}

/** Reads every stored page range into place with pread from the page image, opened in the task. Returns the pages read. */
function fillPages(imagesDir: string, task: RestoringTask, pageMap: PageMap, mapped: readonly Vma[]): number {
  const locations = pageLocations(pageMap).filter(({ range }) => inMappedVma(mapped, range.address));
  if (locations.length === 0) return 0;
  const image = path.join(imagesDir, `pages-${pageMap.pagesId}.img`);
  const fd = openInTask(task, image, O_RDONLY, 'to read its pages');
  let pages = 0;
  for (const { range, offsetPages } of locations) {
    const length = BigInt(range.pageCount) * PAGE;
    for (let done = 0n; done < length; ) {
      const chunk = length - done < BigInt(MAX_READ) ? length - done : BigInt(MAX_READ);
      const where = `reading pages ${hex(range.address + done)}-${hex(range.address + length)} from ${image}`;
      const read = task.main.check(where, Syscall.Pread64, fd, range.address + done, chunk, BigInt(offsetPages) * PAGE + done);
      if (read === 0n) throw new AmberError(`task ${task.task.pid}: ${image} ends before the pages of ${hex(range.address + done)}`);
      done += read;
    }
    pages += range.pageCount;
  }
  closeInTask(task, fd);
  return pages;
}

/** Gives the VMA the madvise(2) advice the image records, one bit (1 << MADV_*) per advice. */
function adviseVma(task: RestoringTask, vma: Vma): void {
  const advice = vma.madvise ?? 0n;
  for (let bit = 0n; advice >> bit !== 0n; bit++) {
    if ((advice >> bit) & 1n) task.main.check(`advising ${hex(vma.start)}-${hex(vma.end)}`, Syscall.Madvise, vma.start, vma.end - vma.start, bit);
  }
}

/** The mm's bounds, auxv and executable (prctl(2) PR_SET_MM_MAP). */
function setMmMap(task: RestoringTask, memory: Memory, exeFd: bigint): void {
  const auxv = Buffer.alloc(memory.auxv.length * 16);
  memory.auxv.forEach((entry, i) => {
    auxv.writeBigUInt64LE(entry.type, 16 * i);
    auxv.writeBigUInt64LE(entry.value, 16 * i + 8);
  });
  const bounds = [
    memory.codeStart,
    memory.codeEnd,
    memory.dataStart,
    memory.dataEnd,
    memory.heapStart,
    memory.heapEnd,
    memory.stackStart,
    memory.argumentsStart,
    memory.argumentsEnd,
    memory.environmentStart,
    memory.environmentEnd,
  ];
  const map = Buffer.alloc(MM_MAP_SIZE);
  bounds.forEach((value, i) => map.writeBigUInt64LE(value, 8 * i));
  const [auxvAddress] = writeArguments(task.scratch, auxv);
  map.writeBigUInt64LE(auxvAddress, 88);
  map.writeUInt32LE(auxv.length, 96);
  map.writeUInt32LE(Number(BigInt.asUintN(32, exeFd)), 100);
  const mapAddress = task.scratch.write(map, task.scratch.size - MM_MAP_SIZE);
  task.main.check('setting its mm bounds, auxv and exe', Syscall.Prctl, BigInt(PR_SET_MM), BigInt(PR_SET_MM_MAP), mapAddress, BigInt(MM_MAP_SIZE));
}

/** Replaces the task's address space with the image's; returns the pages restored. */
export function restoreMemory(checkpoint: Checkpoint, imagesDir: string, task: RestoringTask, shared: SharedMemoryObjects): number {
  const { memory, pageMap } = task.task;
  if (memory === undefined) throw new AmberError(`task ${task.task.pid}: the checkpoint has no memory image for it`);
  unmapInherited(task);
  placeSpecialMappings(task, memory.vmas);
  const files = openMappedFiles(checkpoint, task, memory);
  const vmas = memory.vmas.filter((vma) => !isSpecialImageVma(vma));
  const stored = pageMap === undefined ? [] : pageLocations(pageMap).map(({ range }) => range);
  const prots = vmas.map((vma) => mappingProtection(vma, stored.some((range) => inMappedVma([vma], range.address))));
  vmas.forEach((vma, i) => mapVma(task, vma, prots[i], files, shared));
  const pages = pageMap === undefined ? 0 : fillPages(imagesDir, task, pageMap, vmas);
  vmas.forEach((vma, i) => {
    const prot = protectionBits(vma);
    if (prot !== prots[i]) task.main.check(`protecting ${hex(vma.start)}-${hex(vma.end)}`, Syscall.Mprotect, vma.start, vma.end - vma.start, BigInt(prot));
    adviseVma(task, vma);
  });
  setMmMap(task, memory, files.get(memory.executable) ?? -1n);
  if (memory.dumpable !== undefined) task.main.check('setting whether it is dumpable', Syscall.Prctl, BigInt(PR_SET_DUMPABLE), BigInt(memory.dumpable));
  for (const fd of files.values()) closeInTask(task, fd);
  return pages;
}
