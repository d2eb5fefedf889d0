import type { Message } from './codec/decode';
import { readImage } from './framing/image';
import type { ImageKind } from './magic';

/** An image file's contents: its kind and its entries in crit's non-pretty JSON form (plus "extra" payloads). */
export interface DecodedImage {
  kind: ImageKind;
  entries: Message[];
}

/** Decodes the bytes of a whole image file; `fileName` names it in errors. */
export function decodeImage(bytes: Buffer, fileName: string): DecodedImage {
  let kind: ImageKind | undefined;
  const entries: Message[] = [];
  readImage(fileName, { kind: (k) => (kind = k), entry: (e) => entries.push(e) }, bytes).next();
  return { kind: kind as ImageKind, entries };
}
