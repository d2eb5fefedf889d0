/** A mapping in words: its range, protection, flags and what backs it. */
import { asFileId, MAPPING_BITS, VMA_KIND_BITS, type Checkpoint, type Vma } from '../../model';
import { byteSize, hexAddress } from './format';
import { bitNames } from './flag-names';

export function protectionOf(vma: Vma): string {
  const { read, write, exec } = vma.protection;
  return `${read ? 'r' : '-'}${write ? 'w' : '-'}${exec ? 'x' : '-'}${vma.mapping.shared ? 's' : 'p'}`;
}

export function rangeOf(vma: Vma): string {
  return `${hexAddress(vma.start)}-${hexAddress(vma.end)}`;
}

/** The mapped file's path, or the special area's name in brackets, or '' for plain anonymous memory. */
export function backingOf(vma: Vma, checkpoint: Checkpoint): string {
  const { kind } = vma;
  if (kind.filePrivate || kind.fileShared) {
    const file = checkpoint.files.get(asFileId(Number(vma.shmid)));
    const path = file?.kind === 'regular' ? file.path : `file id ${vma.shmid} (not in files.img)`;
    return vma.fileOffset === 0n ? path : `${path} @ ${hexAddress(vma.fileOffset)}`;
  }
  if (kind.vdso) return '[vdso]';
  if (kind.vvar) return '[vvar]';
  if (kind.vsyscall) return '[vsyscall]';
  if (kind.stack) return '[stack]';
  if (kind.heap) return '[heap]';
  if (kind.sysvIpc) return `[SysV shm ${vma.shmid}]`;
  if (kind.anonShared) return `[shared anonymous ${vma.shmid}]`;
  return '';
}

/** The hover text of a mapping in the memory map. */
export function vmaTitle(vma: Vma, checkpoint: Checkpoint, dumped: number, pages: number): string {
  return [
    `${rangeOf(vma)} (${byteSize(vma.end - vma.start)})`,
    `prot ${protectionOf(vma)}`,
    `flags ${bitNames(vma.mapping, MAPPING_BITS, 'mmap.flags').join(' ') || 'none'}`,
    `status ${bitNames(vma.kind, VMA_KIND_BITS, 'mmap.status').join(' ') || 'none'}`,
    backingOf(vma, checkpoint) || 'anonymous',
    `dumped ${dumped} of ${pages} pages`,
  ].join('\n');
}
