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
import { readSmaps, type SmapsVma } from '../proc/smaps';
import { readStat } from '../proc/stat';
import type { VmFlag } from '../proc/vm-flags';
import type { Pid } from '../sys/types';
import type { MemoryFacts } from './core';
import { pathFile, type FileSet } from './file-set';

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
  if (vma.kind === 'file' && vma.deleted) throw new AmberError(`${where}: a mapped file that was unlinked is not supported yet`);
  if (vma.shared && vma.kind !== 'file') throw new AmberError(`${where}: shared anonymous memory is not supported yet`);
  if (vma.kind === 'special') throw new AmberError(`${where}: ${vma.name} is not supported yet`);
}

function mappedFile(pid: Pid, vma: SmapsVma, files: FileSet): FileId {
  const openFlags = vma.shared && vma.write ? O_RDWR : 0;
  const mapFiles = `/proc/${pid}/map_files/${vma.start.toString(16)}-${vma.end.toString(16)}`;
  const stat = fs.statSync(mapFiles);
  return files.byPath(`map:${stat.dev}:${stat.ino}:${openFlags}`, (id) => pathFile(id, vma.name, stat, openFlags));
}

function vmaOf(pid: Pid, vma: SmapsVma, files: FileSet): Vma {
  refuseUnsupported(pid, vma);
  const isFile = vma.kind === 'file';
  const rawMapping = (vma.shared ? MAPPING_BITS.shared : MAPPING_BITS.private) | (isFile ? 0 : MAPPING_BITS.anonymous) | (vma.vmFlags.has('gd') ? MAPPING_BITS.growsDown : 0);
  return {
    start: vma.start,
    end: vma.end,
    fileOffset: isFile ? vma.offset : 0n,
    shmid: isFile ? BigInt(mappedFile(pid, vma, files)) : 0n,
    protection: protection.read(protectionOf(vma)),
    mapping: mapping.read(rawMapping),
    kind: vmaKind.read(kindBits(vma) >>> 0),
    fd: -1n,
    madvise: adviceOf(vma),
    fileFlags: isFile ? (vma.shared && vma.write ? O_RDWR : 0) : undefined,
  };
}

export interface MemoryDump {
  memory: Memory;
  /** The VMAs as smaps printed them, for the page dump. */
  vmas: SmapsVma[];
}

/** The task's mm image; the executable and mapped files go into `files` first, as CRIU numbers them. */
export function dumpMemory(pid: Pid, facts: MemoryFacts, files: FileSet): MemoryDump {
  const exePath = fs.readlinkSync(`/proc/${pid}/exe`);
  const exeStat = fs.statSync(`/proc/${pid}/exe`);
  const executable = files.byPath(`map:${exeStat.dev}:${exeStat.ino}:0`, (id) => pathFile(id, exePath, exeStat, 0));
  const stat = readStat(pid);
  const smaps = readSmaps(pid);
  return {
    vmas: smaps,
    memory: {
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
    },
  };
}
