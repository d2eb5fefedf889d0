import { isUtf8 } from 'node:buffer';

/**
 * Text of protobuf `string` fields. Paths in images are bytes that need not
 * be UTF-8; like Python's "surrogateescape", each byte of an invalid sequence
 * becomes the lone surrogate U+DC80..U+DCFF, so decoding and encoding give the
 * same bytes back.
 */

export function decodeText(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length === 0) {
      text += String.fromCharCode(0xdc00 + bytes[i]);
      i++;
    } else {
      text += bytes.toString('utf8', i, i + length);
      i += length;
    }
  }
  return text;
}

/** Length of the well-formed UTF-8 sequence at `i`, or 0. */
function validSequenceLength(bytes: Buffer, i: number): number {
  const lead = bytes[i];
  const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  return isUtf8(bytes.subarray(i, i + length)) ? length : 0;
}

const ESCAPED_BYTE = /[\udc80-\udcff]/;

export function encodeText(text: string): Buffer {
  if (!ESCAPED_BYTE.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (c.length === 1 && code >= 0xdc80 && code <= 0xdcff) {
      parts.push(Buffer.from(run, 'utf8'), Buffer.from([code - 0xdc00]));
      run = '';
    } else run += c;
  }
  parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}
