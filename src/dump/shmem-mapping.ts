/**
 * What backs a VMA of shared memory, as CRIU records it. The kernel shows
 * anonymous shared memory as "/dev/zero (deleted)" and a memfd as
 * "/memfd:NAME (deleted)", both files of its internal shmem mount:
 *   - anonymous shared memory is VMA_ANON_SHARED, MAP_SHARED|MAP_ANONYMOUS,
 *     with the object's inode number as shmid and its page offset kept;
 *   - a memfd is VMA_AREA_MEMFD with VMA_FILE_SHARED or VMA_FILE_PRIVATE,
 *     and shmid is the id of a MEMFD description in files.img.
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import { memfdFileEntry, VMA_KIND_BITS, type Vma } from '../model';
import type { SmapsVma } from '../proc/smaps';
import type { Pid } from '../sys/types';
import { NO_OWNER, toOpenFlags, type FileSet } from './file-set';
import { isMemfdPath, isShmemDevice, memfdName, sharedMemoryOf } from './shmem';

const O_RDWR = 2;

/** The fields of a VMA's entry that say what backs it. */
export type VmaBacking = Pick<Vma, 'shmid' | 'fileOffset' | 'fileFlags'> & {
  anonymous: boolean;
  /** VMA_* status bits. */
  status: number;
};

export const mapFilesPath = (pid: Pid, vma: SmapsVma): string => `/proc/${pid}/map_files/${vma.start.toString(16)}-${vma.end.toString(16)}`;

/** How a VMA of shared memory is backed, or undefined for any other VMA. */
export function sharedMemoryBacking(pid: Pid, vma: SmapsVma, files: FileSet): VmaBacking | undefined {
  if (vma.kind !== 'file' || !vma.deleted) return undefined;
  const source = mapFilesPath(pid, vma);
  const stat = fs.statSync(source);
  if (!isShmemDevice(stat.dev)) return undefined;
  const objects = sharedMemoryOf(files);
  if (isMemfdPath(vma.name)) {
    const openFlags = vma.shared && vma.write ? O_RDWR : 0;
    const id = files.byPath(`memfd:${stat.ino}:${openFlags}`, (fileId) =>
      memfdFileEntry({ id: fileId, flags: toOpenFlags(openFlags), position: 0n, owner: NO_OWNER, inodeId: objects.memfdInode(source, stat, memfdName(vma.name)) }),
    );
    const status = VMA_KIND_BITS.regular | VMA_KIND_BITS.memfd | (vma.shared ? VMA_KIND_BITS.fileShared : VMA_KIND_BITS.filePrivate);
    return { shmid: BigInt(id), fileOffset: vma.offset, fileFlags: openFlags, anonymous: false, status };
  }
  if (!vma.shared) throw new AmberError(`task ${pid}: mapping 0x${vma.start.toString(16)}: a private mapping of ${vma.name} is not supported yet`);
  if (vma.name.startsWith('/SYSV')) throw new AmberError(`task ${pid}: mapping 0x${vma.start.toString(16)}: System V shared memory is not supported yet`);
  const shmid = BigInt(stat.ino);
  objects.addMapping(shmid, source, vma.offset + (vma.end - vma.start));
  return { shmid, fileOffset: vma.offset, fileFlags: undefined, anonymous: true, status: VMA_KIND_BITS.regular | VMA_KIND_BITS.anonShared };
}

/** Whether the object's pages, not the task's, hold this VMA's contents. */
/**
 * Whether a VMA's pages belong to a shared memory object that is dumped on
 * its own (shmem.ts) and not into the task's pages: a shared mapping of
 * shared anonymous memory or of a memfd, both unlinked files on shmem.
 */
export function holdsSharedObjectPages(pid: Pid, vma: SmapsVma): boolean {
  return vma.kind === 'file' && vma.deleted && vma.shared && isShmemDevice(fs.statSync(mapFilesPath(pid, vma)).dev);
}
