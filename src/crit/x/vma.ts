import { requireFields, type ImageDir } from './image-dir';
import { u64, type FileId, type MmEntry, type Pid, type VmaEntry } from './entries';

/** Bits of `vma_entry.status`, as CRIU's image.h defines them. */
export const VmaStatus = {
  regular: 1 << 0,
  stack: 1 << 1,
  vsyscall: 1 << 2,
  vdso: 1 << 3,
  filePrivate: 1 << 6,
  fileShared: 1 << 7,
  anonShared: 1 << 8,
  sysvIpc: 1 << 10,
  socket: 1 << 11,
} as const;

/** MAP_GROWSDOWN in `vma_entry.flags` (mmap(2)). */
export const MAP_GROWSDOWN = 0x100;

const PAGE_SHIFT = 12n;

/** Whether `shmid` of this VMA is the file id of a mapped file. */
export function mapsFile(vma: VmaEntry): boolean {
  return (vma.status & (VmaStatus.filePrivate | VmaStatus.fileShared)) !== 0;
}

export function pageCount(vma: VmaEntry): bigint {
  return (u64(vma.end) - u64(vma.start)) >> PAGE_SHIFT;
}

export function pagesToBytes(pages: number): bigint {
  return BigInt(pages) << PAGE_SHIFT;
}

/** An address in hex with at least eight digits, as crit prints VMA bounds. */
export function hex8(value: bigint): string {
  return value.toString(16).padStart(8, '0');
}

/** Task `pid`'s mm image entry, its VMAs checked to hold the fields the explorers use. */
export async function readMm(images: ImageDir, pid: Pid): Promise<{ exeFileId: FileId; vmas: readonly VmaEntry[] }> {
  const file = `mm-${pid}.img`;
  const mm = await images.first<MmEntry>(file);
  const vmas = mm.vmas ?? [];
  requireFields(vmas, ['start', 'end', 'pgoff', 'shmid', 'prot', 'flags', 'status'], `${images.path(file)}: vma`);
  return { exeFileId: mm.exe_file_id, vmas };
}
