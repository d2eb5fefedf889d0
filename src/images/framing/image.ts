import { AmberError } from '../../errors';
import type { Message } from '../codec/decode';
import { IMG_COMMON_MAGIC, IMG_SERVICE_MAGIC, imageKindByMagic, type ExtraPayload, type ImageKind } from '../magic';
import { criuSchema, type MessageType } from '../schema/registry';
import { hasExtra, readExtra } from './extra';
import { recordIn, sizedMessage, sizedMessageIn } from './messages';
import { FramingError, take, type Cursor, type Reads } from './reads';

/** Where an image's entries go as they are read. */
export interface EntrySink {
  kind(kind: ImageKind): void;
  entry(entry: Message): void;
}

export interface EntryLayout {
  type: MessageType;
  extra: ExtraPayload | undefined;
}

/** Each kind's [header layout, layout of the other entries], worked out once. */
const layouts = new WeakMap<ImageKind, (EntryLayout | undefined)[]>();

/** The message type and payload rule of the entry at `index` (the first may be a header). */
export function entryLayout(kind: ImageKind, index: number): EntryLayout {
  const header = index === 0 && kind.header !== undefined;
  let known = layouts.get(kind);
  if (known === undefined) layouts.set(kind, (known = []));
  const slot = header ? 0 : 1;
  const cached = known[slot];
  if (cached !== undefined) return cached;
  const typeName = header ? (kind.header as string) : kind.message;
  const schema = criuSchema();
  if (!schema.hasMessage(typeName)) throw new FramingError(`amber's schema has no message ${typeName} for ${kind.name} images`);
  return (known[slot] = { type: schema.message(typeName), extra: header ? kind.headerExtra : kind.extra });
}

function hex(value: number): string {
  return '0x' + value.toString(16);
}

function* readKind(cursor: Cursor): Reads<ImageKind> {
  let magic = (yield* take(cursor, 4, 'the magic')).readUInt32LE(0);
  if (magic === IMG_COMMON_MAGIC || magic === IMG_SERVICE_MAGIC) magic = (yield* take(cursor, 4, 'the magic')).readUInt32LE(0);
  const kind = imageKindByMagic(magic);
  if (kind === undefined) {
    throw new FramingError(`unknown magic ${hex(magic)}: not a CRIU image, or one of raw data such as pages-N.img`);
  }
  return kind;
}

/**
 * Reads a whole image: magic, then entries with their payloads, handing each
 * to `sink`. Given the `whole` file in memory, it reads from it directly
 * (much faster) and never yields.
 */
export function* readImage(fileName: string, sink: EntrySink, whole?: Buffer): Reads<void> {
  const cursor: Cursor = { offset: 0 };
  let kind: ImageKind;
  try {
    kind = whole !== undefined ? runOnBuffer(readKind(cursor), whole) : yield* readKind(cursor);
  } catch (e) {
    throw inFile(fileName, e);
  }
  sink.kind(kind);
  for (let index = 0; ; index++) {
    const start = cursor.offset;
    try {
      const layout = entryLayout(kind, index);
      const entry = whole !== undefined ? sizedMessageIn(whole, cursor, layout.type) : yield* sizedMessage(cursor, layout.type, true);
      if (entry === undefined) return;
      if (layout.extra !== undefined && hasExtra(layout.extra, entry)) {
        const reads = readExtra(layout.extra, cursor, entry);
        entry.extra = whole !== undefined ? runOnBuffer(reads, whole.subarray(cursor.offset)) : yield* reads;
      }
      sink.entry(entry);
    } catch (e) {
      throw inEntry(fileName, index, start, e);
    }
  }
}

/** A framing problem of the file as the user sees it; anything else as it is. */
function inFile(fileName: string, e: unknown): unknown {
  return e instanceof FramingError ? new AmberError(`${fileName}: ${e.message}`) : e;
}

function inEntry(fileName: string, index: number, start: number, e: unknown): unknown {
  return e instanceof FramingError ? new AmberError(`${fileName}: entry ${index} at byte ${start}: ${e.message}`) : e;
}

/** Whether entries of this kind carry raw payloads after their messages. */
export function hasPayloads(kind: ImageKind): boolean {
  return kind.extra !== undefined || kind.headerExtra !== undefined;
}

/** An image file's kind, and the offset of its first entry. */
export interface ImageStart {
  kind: ImageKind;
  entriesStart: number;
}

export function imageStartIn(fileName: string, whole: Buffer): ImageStart {
  const cursor: Cursor = { offset: 0 };
  try {
    return { kind: runOnBuffer(readKind(cursor), whole), entriesStart: cursor.offset };
  } catch (e) {
    throw inFile(fileName, e);
  }
}

/** Receives each entry's message type and where its message lies in the file, in order. */
export type RecordSink = (type: MessageType, start: number, end: number) => void;

/**
 * Walks the entry records of the whole image file `whole` (of a kind without
 * payloads; `start` from imageStartIn), without decoding them. A FramingError thrown by `record` is
 * reported as a problem of that entry.
 */
export function readRecords(fileName: string, whole: Buffer, { kind, entriesStart }: ImageStart, record: RecordSink): void {
  if (hasPayloads(kind)) throw new Error(`${kind.name} entries carry payloads: read them with readImage`);
  const cursor: Cursor = { offset: entriesStart };
  let bodyType: MessageType | undefined;
  for (let index = 0; ; index++) {
    const start = cursor.offset;
    try {
      const type = index === 0 ? entryLayout(kind, 0).type : (bodyType ??= entryLayout(kind, 1).type);
      const end = recordIn(whole, cursor, type);
      if (end === undefined) return;
      record(type, start + 4, end);
    } catch (e) {
      throw inEntry(fileName, index, start, e);
    }
  }
}

/** Runs a framing generator over bytes in memory. */
export function runOnBuffer<T>(reads: Reads<T>, bytes: Buffer): T {
  let position = 0;
  let step = reads.next();
  while (step.done !== true) {
    const end = Math.min(bytes.length, position + step.value.read);
    const chunk = bytes.subarray(position, end);
    position = end;
    step = reads.next(chunk);
  }
  return step.value;
}
