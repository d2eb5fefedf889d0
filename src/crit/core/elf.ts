/** The ELF64 file header and program headers of an x86_64 core file (elf(5)). */
import { AmberError } from '../../errors';
import type { Address } from '../../model';

export const ELF_HEADER_SIZE = 64;
export const PROGRAM_HEADER_SIZE = 56;
/** e_phnum is 16 bits wide; 0xffff (PN_XNUM) would move the count to a section header. */
const MAX_PROGRAM_HEADERS = 0xfffe;

const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const EV_CURRENT = 1;
const ET_CORE = 4;
const EM_X86_64 = 62;

export const SEGMENT_TYPES = { load: 1, note: 4 } as const;
/** p_flags bits. */
export const SEGMENT_FLAGS = { exec: 1, write: 2, read: 4 } as const;

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: bigint;
  address: Address;
  fileSize: bigint;
  memorySize: bigint;
  align: bigint;
}

/** The file header of a core with `programHeaderCount` program headers right after it. */
export function elfHeader(programHeaderCount: number, what: string): Buffer {
  if (programHeaderCount > MAX_PROGRAM_HEADERS) {
    throw new AmberError(`${what}: ${programHeaderCount} segments are more than an ELF program header table holds (${MAX_PROGRAM_HEADERS})`);
  }
  const header = Buffer.alloc(ELF_HEADER_SIZE);
  header.write('\x7fELF', 0, 'latin1');
  header.writeUInt8(ELFCLASS64, 4);
  header.writeUInt8(ELFDATA2LSB, 5);
  header.writeUInt8(EV_CURRENT, 6);
  header.writeUInt16LE(ET_CORE, 16);
  header.writeUInt16LE(EM_X86_64, 18);
  header.writeUInt32LE(EV_CURRENT, 20);
  header.writeBigUInt64LE(BigInt(ELF_HEADER_SIZE), 32); // e_phoff
  header.writeUInt16LE(ELF_HEADER_SIZE, 52); // e_ehsize
  header.writeUInt16LE(PROGRAM_HEADER_SIZE, 54);
  header.writeUInt16LE(programHeaderCount, 56);
  return header;
}

export function encodeProgramHeaders(headers: readonly ProgramHeader[]): Buffer {
  const table = Buffer.alloc(headers.length * PROGRAM_HEADER_SIZE);
  headers.forEach((header, i) => {
    const at = i * PROGRAM_HEADER_SIZE;
    table.writeUInt32LE(header.type, at);
    table.writeUInt32LE(header.flags, at + 4);
    table.writeBigUInt64LE(header.offset, at + 8);
    table.writeBigUInt64LE(header.address, at + 16);
    // p_paddr stays 0.
    table.writeBigUInt64LE(header.fileSize, at + 32);
    table.writeBigUInt64LE(header.memorySize, at + 40);
    table.writeBigUInt64LE(header.align, at + 48);
  });
  return table;
}
