/** What a mapping is, for colouring the memory map. */
import type { Vma } from '../../model';

export const VMA_KINDS = ['anonymous', 'file', 'shared', 'stack', 'heap', 'vdso'] as const;
export type VmaKindName = (typeof VMA_KINDS)[number];

/** What the legend says each colour stands for. */
export const VMA_KIND_LEGEND: Readonly<Record<VmaKindName, string>> = {
  anonymous: 'anonymous private',
  file: 'private file mapping',
  shared: 'shared (file, anonymous or SysV)',
  stack: 'stack',
  heap: 'heap (brk)',
  vdso: 'vdso / vvar / vsyscall',
};

export function vmaKind(vma: Vma): VmaKindName {
  const { kind, mapping } = vma;
  if (kind.vdso || kind.vvar || kind.vsyscall) return 'vdso';
  if (kind.stack || mapping.growsDown) return 'stack';
  if (kind.heap) return 'heap';
  if (mapping.shared || kind.anonShared || kind.fileShared || kind.sysvIpc) return 'shared';
  if (kind.filePrivate) return 'file';
  return 'anonymous';
}
