import type { Message } from './codec/decode';
import { FileSource } from './framing/file-source';
import { readImage } from './framing/image';
import type { Reads } from './framing/reads';
import { decodeImage, type DecodedImage } from './image';
import type { ImageKind } from './magic';
import { openForReading } from './open-file';

/**
 * Streams the entries of an image file, reading it in pieces: memory stays
 * bounded by the largest entry, whatever the file size. The first entry of a
 * pagemap is its header ({ pages_id }). `onKind` learns the image's kind
 * before the first entry.
 */
export async function* iterateImageEntries(file: string, onKind?: (kind: ImageKind) => void): AsyncGenerator<Message> {
  const handle = await openForReading(file);
  try {
    const { size } = await handle.stat();
    const ready: Message[] = [];
    const reads: Reads<void> = readImage(file, { kind: (kind) => onKind?.(kind), entry: (entry) => ready.push(entry) });
    let step = reads.next();
    const source = new FileSource(handle, size);
    for (;;) {
      yield* ready.splice(0);
      if (step.done === true) return;
      step = reads.next(await source.read(step.value.read));
    }
  } finally {
    await handle.close();
  }
}

/** Reads and decodes a whole image file: all of it in memory at once, which is much faster than streaming. */
export async function readImageFile(file: string): Promise<DecodedImage> {
  const handle = await openForReading(file);
  try {
    return decodeImage(await handle.readFile(), file);
  } finally {
    await handle.close();
  }
}
