/** One task's core file: ELF header, program headers, notes, then the segments' bytes at page-aligned offsets. */
import * as fsp from 'node:fs/promises';
import { AmberError, fsErrorName } from '../../errors';
import { PAGE_SIZE } from '../../images';
import type { Checkpoint, Memory, PageMap, Task } from '../../model';
import { writeSegment } from './contents';
import { ELF_HEADER_SIZE, PROGRAM_HEADER_SIZE, SEGMENT_FLAGS, SEGMENT_TYPES, elfHeader, encodeProgramHeaders, type ProgramHeader } from './elf';
import { resolveMappings } from './mappings';
import { encodeNotes } from './note';
import { planSegments, type Segment } from './segments';
import { taskNotes } from './task-notes';

const PAGE = BigInt(PAGE_SIZE);
const NOTE_ALIGN = 4n;
const alignUp = (value: bigint, alignment: bigint): bigint => ((value + alignment - 1n) / alignment) * alignment;

function segmentFlags({ mapping: { vma } }: Segment): number {
  const { read, write, exec } = vma.protection;
  return (read ? SEGMENT_FLAGS.read : 0) | (write ? SEGMENT_FLAGS.write : 0) | (exec ? SEGMENT_FLAGS.exec : 0);
}

/** The load headers, each segment placed after the previous one from `firstOffset` on; also where the file ends. */
function placeSegments(segments: readonly Segment[], firstOffset: bigint): { headers: ProgramHeader[]; end: bigint } {
  let offset = firstOffset;
  const headers = segments.map((segment) => {
    const { vma } = segment.mapping;
    const header = { type: SEGMENT_TYPES.load, flags: segmentFlags(segment), offset, address: vma.start, fileSize: segment.fileSize, memorySize: vma.end - vma.start, align: PAGE };
    offset += segment.fileSize;
    return header;
  });
  return { headers, end: offset };
}

/** Writes task `task`'s core to `file`; resolves to the core's size in bytes. */
export async function writeCore(checkpoint: Checkpoint, task: Task, memory: Memory, pageMap: PageMap, file: string): Promise<bigint> {
  const what = `${file} (task ${task.pid})`;
  const mappings = await resolveMappings(checkpoint, memory);
  const notes = encodeNotes(await taskNotes(checkpoint, task, memory, mappings));
  const segments = planSegments(mappings, pageMap);
  const notesOffset = BigInt(ELF_HEADER_SIZE + PROGRAM_HEADER_SIZE * (segments.length + 1));
  const { headers, end } = placeSegments(segments, alignUp(notesOffset + BigInt(notes.length), PAGE));
  const noteHeader = { type: SEGMENT_TYPES.note, flags: 0, offset: notesOffset, address: 0n, fileSize: BigInt(notes.length), memorySize: 0n, align: NOTE_ALIGN };
  const head = Buffer.concat([elfHeader(headers.length + 1, what), encodeProgramHeaders([noteHeader, ...headers]), notes]);
  let out: fsp.FileHandle;
  try {
    out = await fsp.open(file, 'w');
  } catch (e) {
    throw new AmberError(`${file}: cannot create: ${fsErrorName(e)}`);
  }
  try {
    await out.write(head, 0, head.length, 0);
    for (const [i, segment] of segments.entries()) await writeSegment(out, segment, Number(headers[i].offset), checkpoint.rawImages.directory, what);
    // Mappings that end in pages nobody wrote end the file in a hole.
    await out.truncate(Number(end));
  } catch (e) {
    await fsp.rm(file, { force: true });
    throw e;
  } finally {
    await out.close();
  }
  return end;
}
