/**
 * Image framing is written once, as generators that ask for bytes: a
 * generator yields `{ read: n }` and gets back up to n bytes (fewer only at
 * the end of the file). Drivers answer from a Buffer or from a file, so the
 * same code serves in-memory decoding and streaming.
 */
export interface ReadRequest {
  read: number;
}

export type Reads<T> = Generator<ReadRequest, T, Buffer>;

/** A framing problem; the caller adds the file name, entry index and offset. */
export class FramingError extends Error {}

/** Where in the file reading has got to. */
export interface Cursor {
  offset: number;
}

/** The file ends `left` bytes into something `length` bytes long. */
export function cutShort(what: string, length: number, left: number): FramingError {
  return new FramingError(`file ends inside ${what}: needs ${length} bytes, only ${left} left`);
}

/** Exactly `length` bytes, or a FramingError naming `what` was cut short. */
export function* take(cursor: Cursor, length: number, what: string): Reads<Buffer> {
  if (!Number.isSafeInteger(length) || length < 0) throw new FramingError(`${what} has an impossible length ${length}`);
  const bytes = yield { read: length };
  if (bytes.length < length) throw cutShort(what, length, bytes.length);
  cursor.offset += length;
  return bytes;
}

/** Everything up to the end of the file. */
export function* takeRest(cursor: Cursor): Reads<Buffer> {
  const bytes = yield { read: Number.MAX_SAFE_INTEGER };
  cursor.offset += bytes.length;
  return bytes;
}
