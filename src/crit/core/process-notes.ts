/** The notes a core holds once for the whole process: auxiliary vector, signal information and mapped files. */
import { PAGE_SIZE } from '../../images';
import type { AuxvEntry } from '../../model';
import type { MappedFile, Mapping } from './mappings';
import { NOTE_TYPES, type Note } from './note';

const AT_NULL = 0n;
const SIGINFO_SIZE = 128;
const PAGE = BigInt(PAGE_SIZE);

/** NT_AUXV: the saved auxiliary vector up to and with its AT_NULL pair, which the image leaves out. */
export function auxvNote(auxv: readonly AuxvEntry[]): Note {
  const end = auxv.findIndex((entry) => entry.type === AT_NULL);
  const pairs = [...(end === -1 ? auxv : auxv.slice(0, end)), { type: AT_NULL, value: 0n }];
  const vector = Buffer.alloc(pairs.length * 16);
  pairs.forEach(({ type, value }, i) => {
    vector.writeBigUInt64LE(type, 16 * i);
    vector.writeBigUInt64LE(value, 16 * i + 8);
  });
  return { owner: 'CORE', type: NOTE_TYPES.auxv, description: vector };
}

/** NT_SIGINFO: the siginfo_t of the signal that caused the dump; a checkpoint had none, so si_signo is 0. */
export function siginfoNote(): Note {
  return { owner: 'CORE', type: NOTE_TYPES.siginfo, description: Buffer.alloc(SIGINFO_SIZE) };
}

/**
 * NT_FILE: a count and the page size, then start, end and file offset (in
 * pages) per mapped file, then the paths, each ending in a NUL.
 */
export function fileNote(mappings: readonly Mapping[]): Note {
  const mapped = mappings.filter((mapping): mapping is Mapping & { file: MappedFile } => mapping.file !== undefined);
  const table = Buffer.alloc(16 + mapped.length * 24);
  table.writeBigUInt64LE(BigInt(mapped.length), 0);
  table.writeBigUInt64LE(PAGE, 8);
  mapped.forEach(({ vma }, i) => {
    table.writeBigUInt64LE(vma.start, 16 + 24 * i);
    table.writeBigUInt64LE(vma.end, 24 + 24 * i);
    table.writeBigUInt64LE(vma.fileOffset / PAGE, 32 + 24 * i);
  });
  const paths = mapped.map(({ file }) => Buffer.from(`${file.path}\0`, 'utf8'));
  return { owner: 'CORE', type: NOTE_TYPES.file, description: Buffer.concat([table, ...paths]) };
}
