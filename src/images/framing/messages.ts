import { decodeMessage, type Message } from '../codec/decode';
import type { MessageType } from '../schema/registry';
import { WireError } from '../wire/reader';
import { cutShort, FramingError, take, type Cursor, type Reads } from './reads';

/**
 * Decodes `bytes[start..end)` as one message (the whole buffer by default),
 * turning wire problems into framing errors with file offsets; `bytes` starts
 * at byte `fileOffset` of the file.
 */
export function decodeAt(type: MessageType, bytes: Buffer, fileOffset: number, start = 0, end = bytes.length): Message {
  try {
    return decodeMessage(type, bytes, start, end);
  } catch (e) {
    if (e instanceof WireError) throw new FramingError(`malformed ${type.name} message: ${e.message} (byte ${fileOffset + e.offset})`);
    throw e;
  }
}

function sizeCutShort(left: number): FramingError {
  return new FramingError(`file ends inside an entry size: ${left} of 4 bytes`);
}

function messageWhat(size: number, type: MessageType): string {
  return `a ${size}-byte ${type.name} message`;
}

/**
 * Steps `cursor` over the entry record at it in the whole file's bytes;
 * returns where its message ends (it starts 4 bytes after the record), or
 * `undefined` at the end of the file.
 */
export function recordIn(file: Buffer, cursor: Cursor, type: MessageType): number | undefined {
  const start = cursor.offset;
  const left = file.length - start;
  if (left === 0) return undefined;
  if (left < 4) throw sizeCutShort(left);
  const size = file.readUInt32LE(start);
  if (size > left - 4) throw cutShort(messageWhat(size, type), size, left - 4);
  cursor.offset = start + 4 + size;
  return cursor.offset;
}

/** An entry's record read straight from the whole file's bytes at `cursor`: no copies; `undefined` at the end. */
export function sizedMessageIn(file: Buffer, cursor: Cursor, type: MessageType): Message | undefined {
  const start = cursor.offset;
  const end = recordIn(file, cursor, type);
  return end === undefined ? undefined : decodeAt(type, file, 0, start + 4, end);
}

/**
 * One `[u32 size][message]` record. With `endAllowed`, a clean end of file
 * where the size would start returns `undefined`.
 */
export function* sizedMessage(cursor: Cursor, type: MessageType, endAllowed: boolean): Reads<Message | undefined> {
  const sizeBytes = yield { read: 4 };
  if (sizeBytes.length === 0 && endAllowed) return undefined;
  if (sizeBytes.length < 4) throw sizeCutShort(sizeBytes.length);
  cursor.offset += 4;
  const size = sizeBytes.readUInt32LE(0);
  const start = cursor.offset;
  const bytes = yield* take(cursor, size, messageWhat(size, type));
  return decodeAt(type, bytes, start);
}

/** The `[u32 size][message]` record of an encoded message. */
export function sizedRecord(message: Buffer): Buffer[] {
  const size = Buffer.allocUnsafe(4);
  size.writeUInt32LE(message.length, 0);
  return [size, message];
}
