import { decodeMessage, type Message } from '../codec/decode';
import type { MessageType } from '../schema/registry';
import { WireError } from '../wire/reader';
import { FramingError, take, type Cursor, type Reads } from './reads';

/** Decodes a whole buffer as one message, turning wire problems into framing errors with file offsets. */
export function decodeAt(type: MessageType, bytes: Buffer, fileOffset: number): Message {
  try {
    return decodeMessage(type, bytes, 0, bytes.length);
  } catch (e) {
    if (e instanceof WireError) throw new FramingError(`malformed ${type.name} message: ${e.message} (byte ${fileOffset + e.offset})`);
    throw e;
  }
}

/**
 * One `[u32 size][message]` record. With `endAllowed`, a clean end of file
 * where the size would start returns `undefined`.
 */
export function* sizedMessage(cursor: Cursor, type: MessageType, endAllowed: boolean): Reads<Message | undefined> {
  const sizeBytes = yield { read: 4 };
  if (sizeBytes.length === 0 && endAllowed) return undefined;
  if (sizeBytes.length < 4) throw new FramingError(`file ends inside an entry size: ${sizeBytes.length} of 4 bytes`);
  cursor.offset += 4;
  const size = sizeBytes.readUInt32LE(0);
  const start = cursor.offset;
  const bytes = yield* take(cursor, size, `a ${size}-byte ${type.name} message`);
  return decodeAt(type, bytes, start);
}

/** The `[u32 size][message]` record of an encoded message. */
export function sizedRecord(message: Buffer): Buffer[] {
  const size = Buffer.allocUnsafe(4);
  size.writeUInt32LE(message.length, 0);
  return [size, message];
}
