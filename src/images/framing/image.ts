import { AmberError } from '../../errors';
import type { Message } from '../codec/decode';
import { IMG_COMMON_MAGIC, IMG_SERVICE_MAGIC, imageKindByMagic, type ExtraPayload, type ImageKind } from '../magic';
import { criuSchema, type MessageType } from '../schema/registry';
import { hasExtra, readExtra } from './extra';
import { sizedMessage } from './messages';
import { FramingError, take, type Cursor, type Reads } from './reads';

/** Where an image's entries go as they are read. */
export interface EntrySink {
  kind(kind: ImageKind): void;
  entry(entry: Message): void;
}

/** The message type and payload rule of the entry at `index` (the first may be a header). */
export function entryLayout(kind: ImageKind, index: number): { type: MessageType; extra: ExtraPayload | undefined } {
  const header = index === 0 && kind.header !== undefined;
  const typeName = header ? (kind.header as string) : kind.message;
  const schema = criuSchema();
  if (!schema.hasMessage(typeName)) throw new FramingError(`amber's schema has no message ${typeName} for ${kind.name} images`);
  return { type: schema.message(typeName), extra: header ? kind.headerExtra : kind.extra };
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

/** Reads a whole image: magic, then entries with their payloads, handing each to `sink`. */
export function* readImage(fileName: string, sink: EntrySink): Reads<void> {
  const cursor: Cursor = { offset: 0 };
  let kind: ImageKind;
  try {
    kind = yield* readKind(cursor);
  } catch (e) {
    if (e instanceof FramingError) throw new AmberError(`${fileName}: ${e.message}`);
    throw e;
  }
  sink.kind(kind);
  for (let index = 0; ; index++) {
    const start = cursor.offset;
    try {
      const layout = entryLayout(kind, index);
      const entry = yield* sizedMessage(cursor, layout.type, true);
      if (entry === undefined) return;
      if (layout.extra !== undefined && hasExtra(layout.extra, entry)) entry.extra = yield* readExtra(layout.extra, cursor, entry);
      sink.entry(entry);
    } catch (e) {
      if (e instanceof FramingError) throw new AmberError(`${fileName}: entry ${index} at byte ${start}: ${e.message}`);
      throw e;
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
