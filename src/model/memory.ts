/** A process's address space as mm-PID.img describes it: layout, auxv and mappings (not their contents). */
import { bigInteger, flags, identifier, integer, optional, type Flags } from './codecs';
import { field, FieldError, listValues, messages, type Codec, type Modeled, type Rules } from './fields';
import type { Address, FileId } from './ids';

/** mmap(2) PROT_* bits. */
export const PROTECTION_BITS = { read: 0x1, write: 0x2, exec: 0x4 } as const;
/** mmap(2) MAP_* bits that CRIU records. */
export const MAPPING_BITS = { shared: 0x1, private: 0x2, anonymous: 0x20, growsDown: 0x100 } as const;
/** What CRIU found a mapping to be (its VMA_AREA_* / VMA_* status bits). */
export const VMA_KIND_BITS = {
  regular: 1 << 0,
  stack: 1 << 1,
  vsyscall: 1 << 2,
  vdso: 1 << 3,
  heap: 1 << 5,
  filePrivate: 1 << 6,
  fileShared: 1 << 7,
  anonShared: 1 << 8,
  anonPrivate: 1 << 9,
  sysvIpc: 1 << 10,
  socket: 1 << 11,
  vvar: 1 << 12,
  aioRing: 1 << 13,
  memfd: 1 << 14,
  shadowStack: 1 << 15,
  uprobes: 1 << 17,
  unsupported: 2 ** 31,
} as const;

export type Protection = Flags<keyof typeof PROTECTION_BITS>;
export type MappingFlags = Flags<keyof typeof MAPPING_BITS>;
export type VmaKind = Flags<keyof typeof VMA_KIND_BITS>;

export interface Vma extends Modeled {
  start: Address;
  /** One past the last byte. */
  end: Address;
  /** Offset into the mapped file, in bytes. */
  fileOffset: bigint;
  /** The mapped file's id in files.img for file mappings, the shared-memory id for shared anonymous ones. */
  shmid: bigint;
  protection: Protection;
  mapping: MappingFlags;
  kind: VmaKind;
  /** The fd the mapping came from, or -1. */
  fd: bigint;
  /** madvise(2) advice bits (1 << MADV_*). */
  madvise: bigint | undefined;
  /** Open flags of the mapped file. */
  fileFlags: number | undefined;
}

/** One auxiliary vector pair (getauxval(3)). */
export interface AuxvEntry {
  type: bigint;
  value: bigint;
}

export interface Memory extends Modeled {
  codeStart: Address;
  codeEnd: Address;
  dataStart: Address;
  dataEnd: Address;
  stackStart: Address;
  heapStart: Address;
  heapEnd: Address;
  argumentsStart: Address;
  argumentsEnd: Address;
  environmentStart: Address;
  environmentEnd: Address;
  executable: FileId;
  auxv: AuxvEntry[];
  vmas: Vma[];
  dumpable: number | undefined;
}

/** The flat type, value, type, value... list as auxiliary vector pairs. */
const auxvPairs: Codec<AuxvEntry[]> = {
  read(value) {
    const words = listValues(value).map((word) => bigInteger.read(word));
    if (words.length % 2 !== 0) throw new FieldError(`has an odd number of words (${words.length})`);
    return Array.from({ length: words.length / 2 }, (_, i) => ({ type: words[2 * i], value: words[2 * i + 1] }));
  },
  write: (pairs) => (pairs.length === 0 ? undefined : pairs.flatMap((pair) => [pair.type, pair.value].map(bigInteger.write))),
};

const vmaRules: Rules<Vma> = {
  start: field('start', bigInteger),
  end: field('end', bigInteger),
  fileOffset: field('pgoff', bigInteger),
  shmid: field('shmid', bigInteger),
  protection: field('prot', flags(PROTECTION_BITS)),
  mapping: field('flags', flags(MAPPING_BITS)),
  kind: field('status', flags(VMA_KIND_BITS)),
  fd: field('fd', bigInteger),
  madvise: field('madv', optional(bigInteger)),
  fileFlags: field('fdflags', optional(integer)),
};

export const memoryRules: Rules<Memory> = {
  codeStart: field('mm_start_code', bigInteger),
  codeEnd: field('mm_end_code', bigInteger),
  dataStart: field('mm_start_data', bigInteger),
  dataEnd: field('mm_end_data', bigInteger),
  stackStart: field('mm_start_stack', bigInteger),
  heapStart: field('mm_start_brk', bigInteger),
  heapEnd: field('mm_brk', bigInteger),
  argumentsStart: field('mm_arg_start', bigInteger),
  argumentsEnd: field('mm_arg_end', bigInteger),
  environmentStart: field('mm_env_start', bigInteger),
  environmentEnd: field('mm_env_end', bigInteger),
  executable: field('exe_file_id', identifier<FileId>()),
  auxv: field('mm_saved_auxv', auxvPairs),
  vmas: field('vmas', messages(vmaRules)),
  dumpable: field('dumpable', optional(integer)),
};
