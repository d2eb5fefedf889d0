/**
 * The GNU build-id of an ELF file: the NT_GNU_BUILD_ID note the linker
 * writes (elf(5), ld --build-id), a hash that names one build of a program
 * or library. A checkpoint records it for each ELF file it reopens, so that
 * a restore finds out when a path now holds another build.
 */
import * as fs from 'node:fs';
import type { BuildId } from '../model';
import { openQuietly } from '../sys/quiet-read';

const ELF_MAGIC = 0x464c457f;
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const PT_NOTE = 4;
const NT_GNU_BUILD_ID = 3;
const GNU = 'GNU\0';
/** Bounds for what a well-formed file has, so that a damaged one costs no more than a few reads. */
const MAX_PROGRAM_HEADERS = 256;
const MAX_NOTE_SEGMENT = 64 << 10;

/** Where the program headers are and how they are laid out, for the two ELF classes. */
interface Layout {
  headerSize: number;
  programHeaders: (header: Buffer) => { offset: number; count: number; size: number };
  note: (entry: Buffer) => { type: number; offset: number; size: number };
}

const LAYOUTS: Record<number, Layout> = {
  [ELFCLASS64]: {
    headerSize: 64,
    programHeaders: (h) => ({ offset: Number(h.readBigUInt64LE(32)), count: h.readUInt16LE(56), size: h.readUInt16LE(54) }),
    note: (p) => ({ type: p.readUInt32LE(0), offset: Number(p.readBigUInt64LE(8)), size: Number(p.readBigUInt64LE(32)) }),
  },
  [ELFCLASS32]: {
    headerSize: 52,
    programHeaders: (h) => ({ offset: h.readUInt32LE(28), count: h.readUInt16LE(44), size: h.readUInt16LE(42) }),
    note: (p) => ({ type: p.readUInt32LE(0), offset: p.readUInt32LE(4), size: p.readUInt32LE(16) }),
  },
};

function readAt(fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const got = fs.readSync(fd, buffer, 0, length, offset);
  return buffer.subarray(0, got);
}

const align4 = (n: number): number => (n + 3) & ~3;

/** The build-id in one PT_NOTE segment's notes: each a name size, descriptor size and type, then both, 4-aligned. */
function buildIdInNotes(notes: Buffer): Buffer | undefined {
  for (let at = 0; at + 12 <= notes.length; ) {
    const nameSize = notes.readUInt32LE(at);
    const descriptorSize = notes.readUInt32LE(at + 4);
    const type = notes.readUInt32LE(at + 8);
    const name = at + 12;
    const descriptor = name + align4(nameSize);
    if (descriptor + descriptorSize > notes.length) return undefined;
    if (type === NT_GNU_BUILD_ID && notes.toString('latin1', name, name + nameSize) === GNU) return notes.subarray(descriptor, descriptor + descriptorSize);
    at = descriptor + align4(descriptorSize);
  }
  return undefined;
}

export function toBuildId(bytes: Buffer): BuildId {
  const padded = Buffer.alloc(align4(bytes.length));
  bytes.copy(padded);
  return Array.from({ length: padded.length / 4 }, (_, i) => padded.readUInt32LE(i * 4));
}

/** The build-id as readelf(1) and file(1) print it. */
export function formatBuildId(id: BuildId): string {
  const bytes = Buffer.alloc(id.length * 4);
  id.forEach((word, i) => bytes.writeUInt32LE(word, i * 4));
  return bytes.toString('hex');
}

/** The build-id of the little-endian ELF file open at `fd`; undefined for other files and ELF files without one. */
export function readBuildId(fd: number): BuildId | undefined {
  const start = readAt(fd, 0, 64);
  if (start.length < 20 || start.readUInt32LE(0) !== ELF_MAGIC || start[5] !== ELFDATA2LSB) return undefined;
  const layout = LAYOUTS[start[4]];
  if (layout === undefined || start.length < layout.headerSize) return undefined;
  const headers = layout.programHeaders(start);
  if (headers.count > MAX_PROGRAM_HEADERS || headers.size < 32) return undefined;
  const table = readAt(fd, headers.offset, headers.count * headers.size);
  for (let i = 0; (i + 1) * headers.size <= table.length; i++) {
    const segment = layout.note(table.subarray(i * headers.size, (i + 1) * headers.size));
    if (segment.type !== PT_NOTE || segment.size > MAX_NOTE_SEGMENT) continue;
    const found = buildIdInNotes(readAt(fd, segment.offset, segment.size));
    if (found !== undefined) return toBuildId(found);
  }
  return undefined;
}

/** The build-id of the file at `path`; undefined when it has none or cannot be read. */
export function buildIdOfPath(path: string): BuildId | undefined {
  let fd;
  try {
    fd = openQuietly(path);
  } catch {
    return undefined;
  }
  try {
    return readBuildId(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * How the file now at `path` differs from the build the checkpoint ran,
 * as a phrase for an error; undefined when it is the same build or is
 * missing (which the open reports).
 */
export function buildIdChange(path: string, recorded: BuildId): string | undefined {
  if (!fs.existsSync(path)) return undefined;
  const here = buildIdOfPath(path);
  if (here !== undefined && formatBuildId(here) === formatBuildId(recorded)) return undefined;
  return `${path} has ${here === undefined ? 'no build-id' : `build-id ${formatBuildId(here)}`} here, ${formatBuildId(recorded)} at dump time`;
}
