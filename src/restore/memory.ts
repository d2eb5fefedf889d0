/**
 * A task's address space: the inherited one goes (all but the scratch page
 * and the kernel's vdso and vvar), every image VMA is mapped at its address
 * (vma-mapping.ts) and filled from the page image (page-fill.ts), then
 * protections, vdso/vvar places and the mm's bounds, auxv and exe link are
 * set as the image has them.
 */
import { AmberError } from '../errors';
import { pageLocations, type Checkpoint, type FileId, type Memory, type Vma } from '../model';
import { readMaps } from '../proc/maps';
import { Syscall } from '../sys/syscall-numbers';
import type { Address } from '../sys/types';
import type { RestoringTask } from './context';
import type { OpenDescriptions } from './files';
import { fillPages } from './page-fill';
import { writeArguments } from './scratch-layout';
import { isSharedMemoryVma, type SharedMemoryObjects } from './shmem';
import { isSpecialImageVma, liveSpecialMappings, placeSpecialMappings } from './special-mappings';
import { closeInTask, openInTask, regularFilePath } from './task-files';
import { mappingProtection, mapVmas, protectionBits, protectStretches } from './vma-mapping';

/** The top of the x86_64 user address space with 4-level page tables. */
const USER_SPACE_END = 0x7fff_ffff_f000n;
const O_RDONLY = 0;
const O_RDWR = 2;
const O_ACCESS_MODE = 0o3;
const PR_SET_DUMPABLE = 4;
const PR_SET_MM = 35;
const PR_SET_MM_MAP = 14;
/** struct prctl_mm_map (<linux/prctl.h>): eleven u64 bounds, the auxv pointer, its size and exe_fd. */
const MM_MAP_SIZE = 104;

const hex = (address: Address): string => `0x${address.toString(16)}`;

/**
 * Unmaps every mapping of the inherited address space but the scratch page,
 * vdso and vvar: one munmap for each run of mappings between those (none
 * when nothing else is mapped, as in a child of a task that did this).
 */
export function unmapInherited(task: RestoringTask): void {
  const maps = readMaps(task.main.pid).filter((vma) => vma.start < USER_SPACE_END);
  const kept = new Set([...liveSpecialMappings(maps).map((vma) => vma.start), task.scratch.address]);
  const runs: { start: Address; end: Address }[] = [];
  maps.forEach((vma, i) => {
    if (kept.has(vma.start)) return;
    const previous = maps[i - 1];
    const run = runs.at(-1);
    if (run !== undefined && previous !== undefined && !kept.has(previous.start)) run.end = vma.end;
    else runs.push({ start: vma.start, end: vma.end });
  });
  for (const { start, end } of runs) task.main.check('unmapping the inherited address space', Syscall.Munmap, start, end - start);
}

/** What the task opens to map file `id`: its path, or amber's description of it when only a remap reaches it (unlinked). */
function mappedFilePath(checkpoint: Checkpoint, id: FileId, descriptions: OpenDescriptions, user: string): string {
  if (checkpoint.remaps.some((remap) => remap.file === id)) return `/proc/${process.pid}/fd/${descriptions.get(id, user).file.fd}`;
  return regularFilePath(checkpoint, id, user);
}

/** Opens in the task every file the image maps (and its executable), once each. */
function openMappedFiles(checkpoint: Checkpoint, task: RestoringTask, memory: Memory, descriptions: OpenDescriptions): Map<FileId, bigint> {
  const opened = new Map<FileId, bigint>();
  const open = (id: FileId, flags: number): void => {
    if (opened.has(id)) return;
    const file = mappedFilePath(checkpoint, id, descriptions, `task ${task.task.pid}`);
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
export function restoreMemory(
  checkpoint: Checkpoint,
  imagesDir: string,
  task: RestoringTask,
  shared: SharedMemoryObjects,
  descriptions: OpenDescriptions,
  onPages: (pages: number) => void,
): number {
  const { memory, pageMap } = task.task;
  if (memory === undefined) throw new AmberError(`task ${task.task.pid}: the checkpoint has no memory image for it`);
  unmapInherited(task);
  placeSpecialMappings(task, memory.vmas);
  const files = openMappedFiles(checkpoint, task, memory, descriptions);
  const vmas = memory.vmas.filter((vma) => !isSpecialImageVma(vma));
  const stored = pageMap === undefined ? [] : pageLocations(pageMap).map(({ range }) => range.address);
  const planned = vmas.map((vma) => ({ vma, prot: mappingProtection(vma, stored.some((address) => vma.start <= address && address < vma.end)) }));
  mapVmas(task, planned, files, shared);
  const pages = pageMap === undefined ? 0 : fillPages(imagesDir, task, pageMap, vmas, onPages);
  protectStretches(
    task,
    planned.filter(({ vma, prot }) => protectionBits(vma) !== prot).map(({ vma }) => ({ start: vma.start, end: vma.end, prot: protectionBits(vma) })),
  );
  for (const vma of vmas) adviseVma(task, vma);
  setMmMap(task, memory, files.get(memory.executable) ?? -1n);
  if (memory.dumpable !== undefined) task.main.check('setting whether it is dumpable', Syscall.Prctl, BigInt(PR_SET_DUMPABLE), BigInt(memory.dumpable));
  for (const fd of files.values()) closeInTask(task, fd);
  return pages;
}
