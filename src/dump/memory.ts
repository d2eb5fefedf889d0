/**
 * A task's address space as mm-PID.img describes it: the mm bounds from
 * /proc/PID/stat, the program break, the auxiliary vector, the executable
 * and each VMA from smaps, with mapped files as regular-file descriptions.
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import { MAPPING_BITS, PROTECTION_BITS, VMA_KIND_BITS, type FileId, type Memory, type Vma } from '../model';
import { flags } from '../model/codecs';
import { readAuxv } from '../proc/auxv';
import { unlinkedOrNot } from '../proc/maps';
import type { SmapsVma } from '../proc/smaps';
import { readStat } from '../proc/stat';
import type { VmFlag } from '../proc/vm-flags';
import type { Pid } from '../sys/types';
import type { MemoryFacts } from './core';
import { pathFile, type FileSet } from './file-set';
import { remapToGhost } from './ghosts';
import { mapFilesPath, sharedMemoryBacking, type VmaBacking } from './shmem-mapping';

const protection = flags(PROTECTION_BITS);
const mapping = flags(MAPPING_BITS);
const vmaKind = flags(VMA_KIND_BITS);

/** smaps advice flags and their MADV_* numbers (madvise(2)); the image keeps 1 << MADV_*. */
const ADVICE: readonly [VmFlag, number][] = [
  ['rr', 1],
  ['sr', 2],
  ['dc', 10],
  ['mg', 12],
  ['hg', 14],
  ['nh', 15],
  ['dd', 16],
  ['wf', 18],
];

const O_RDWR = 2;

function adviceOf(vma: SmapsVma): bigint | undefined {
  const bits = ADVICE.reduce((all, [flag, advice]) => (vma.vmFlags.has(flag) ? all | (1n << BigInt(advice)) : all), 0n);
  return bits === 0n ? undefined : bits;
}

function protectionOf(vma: SmapsVma): number {
  return (vma.read ? PROTECTION_BITS.read : 0) | (vma.write ? PROTECTION_BITS.write : 0) | (vma.exec ? PROTECTION_BITS.exec : 0);
}

/** The VMA_* status bits of a VMA. */
function kindBits(vma: SmapsVma): number {
  const backing = vma.shared ? (vma.kind === 'file' ? VMA_KIND_BITS.fileShared : VMA_KIND_BITS.anonShared) : vma.kind === 'file' ? VMA_KIND_BITS.filePrivate : VMA_KIND_BITS.anonPrivate;
  switch (vma.kind) {
    case 'vsyscall':
      return VMA_KIND_BITS.vsyscall | VMA_KIND_BITS.anonPrivate;
    case 'vdso':
      return VMA_KIND_BITS.regular | VMA_KIND_BITS.vdso | backing;
    case 'vvar':
    case 'vvar_vclock':
      return VMA_KIND_BITS.regular | VMA_KIND_BITS.vvar | backing;
    case 'heap':
      return VMA_KIND_BITS.regular | VMA_KIND_BITS.heap | backing;
    default:
      return VMA_KIND_BITS.regular | backing;
  }
}

function refuseUnsupported(pid: Pid, vma: SmapsVma): void {
  const where = `task ${pid}: mapping 0x${vma.start.toString(16)}-0x${vma.end.toString(16)}`;
  // Anonymous shared memory and memfds are files ("/dev/zero (deleted)"); only a named one ([anon_shmem:NAME]) gets here.
  if (vma.shared && vma.kind !== 'file') throw new AmberError(`${where}: shared anonymous memory named '${vma.name}' is not supported yet`);
  if (vma.kind === 'special') throw new AmberError(`${where}: ${vma.name} is not supported yet`);
}

/**
 * The regular-file description a mapping (or the executable link) names,
 * one per inode and access; `link` is a /proc link that reaches the inode.
 * An unlinked file comes back from its ghost.
 */
function fileOfMapping(files: FileSet, path: string, deleted: boolean, link: string, openFlags: number, where: string): FileId {
  const stat = fs.statSync(link);
  return files.byPath(`map:${stat.dev}:${stat.ino}:${openFlags}`, (id) => {
    const file = pathFile(id, path, stat, openFlags, link);
    if (!deleted) return file;
    if (stat.nlink > 0) throw new AmberError(`${where}: ${path} was unlinked while mapped but has other links, which is not supported yet`);
    remapToGhost(files, id, link, stat, where);
    return file;
  });
}

function mappedFile(pid: Pid, vma: SmapsVma, files: FileSet): FileId {
  const where = `task ${pid}: mapping 0x${vma.start.toString(16)}-0x${vma.end.toString(16)}`;
  return fileOfMapping(files, vma.name, vma.deleted, mapFilesPath(pid, vma), vma.shared && vma.write ? O_RDWR : 0, where);
}

/** A mapped file, anonymous memory, or a special mapping. */
function ordinaryBacking(pid: Pid, vma: SmapsVma, files: FileSet): VmaBacking {
  refuseUnsupported(pid, vma);
  const isFile = vma.kind === 'file';
  return {
    shmid: isFile ? BigInt(mappedFile(pid, vma, files)) : 0n,
    fileOffset: isFile ? vma.offset : 0n,
    fileFlags: isFile ? (vma.shared && vma.write ? O_RDWR : 0) : undefined,
    anonymous: !isFile,
    status: kindBits(vma),
  };
}

function vmaOf(pid: Pid, vma: SmapsVma, files: FileSet): Vma {
  const backing = sharedMemoryBacking(pid, vma, files) ?? ordinaryBacking(pid, vma, files);
  const rawMapping = (vma.shared ? MAPPING_BITS.shared : MAPPING_BITS.private) | (backing.anonymous ? MAPPING_BITS.anonymous : 0) | (vma.vmFlags.has('gd') ? MAPPING_BITS.growsDown : 0);
  return {
    start: vma.start,
    end: vma.end,
    fileOffset: backing.fileOffset,
    shmid: backing.shmid,
    protection: protection.read(protectionOf(vma)),
    mapping: mapping.read(rawMapping),
    kind: vmaKind.read(backing.status >>> 0),
    fd: -1n,
    madvise: adviceOf(vma),
    fileFlags: backing.fileFlags,
  };
}

/**
 * The task's mm image from its VMAs as smaps printed them; the executable
 * and mapped files go into `files` first, as CRIU numbers them.
 */
export function dumpMemory(pid: Pid, smaps: readonly SmapsVma[], facts: MemoryFacts, files: FileSet): Memory {
  const exeLink = `/proc/${pid}/exe`;
  const exe = unlinkedOrNot(fs.readlinkSync(exeLink));
  const executable = fileOfMapping(files, exe.path, exe.deleted, exeLink, 0, `task ${pid}: executable`);
  const stat = readStat(pid);
  return {
    codeStart: stat.startCode,
    codeEnd: stat.endCode,
    dataStart: stat.startData,
    dataEnd: stat.endData,
    stackStart: stat.startStack,
    heapStart: stat.startBrk,
    heapEnd: facts.programBreak,
    argumentsStart: stat.argStart,
    argumentsEnd: stat.argEnd,
    environmentStart: stat.envStart,
    environmentEnd: stat.envEnd,
    executable,
    auxv: readAuxv(pid).map((entry) => ({ type: BigInt(entry.type), value: entry.value })),
    vmas: smaps.map((vma) => vmaOf(pid, vma, files)),
    dumpable: facts.dumpable,
    unmodeled: { thp_disabled: facts.thpDisabled },
  };
}
