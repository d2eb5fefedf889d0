/** ELF notes: the records of a PT_NOTE segment (elf(5), "Notes"). */

/** n_type values of the notes a Linux x86_64 core holds (<linux/elf.h>). */
export const NOTE_TYPES = {
  prstatus: 1,
  fpregset: 2,
  prpsinfo: 3,
  auxv: 6,
  x86Xstate: 0x202,
  siginfo: 0x53494749,
  file: 0x46494c45,
} as const;

export interface Note {
  /** The owner: CORE for the classic notes, LINUX for Linux's own register sets. */
  owner: 'CORE' | 'LINUX';
  type: number;
  description: Buffer;
}

const NOTE_ALIGN = 4;
const padded = (length: number): number => Math.ceil(length / NOTE_ALIGN) * NOTE_ALIGN;

/** The notes back to back, each name and description padded to 4 bytes. */
export function encodeNotes(notes: readonly Note[]): Buffer {
  return Buffer.concat(
    notes.map(({ owner, type, description }) => {
      const nameSize = owner.length + 1;
      const record = Buffer.alloc(12 + padded(nameSize) + padded(description.length));
      record.writeUInt32LE(nameSize, 0);
      record.writeUInt32LE(description.length, 4);
      record.writeUInt32LE(type, 8);
      record.write(owner, 12, 'latin1');
      description.copy(record, 12 + padded(nameSize));
      return record;
    }),
  );
}
