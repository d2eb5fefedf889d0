import { AmberError } from '../errors';
import type { Message } from './codec/decode';
import { encodeMessage } from './codec/encode';
import { FieldValueError } from './codec/json-values';
import { hasExtra } from './framing/extra';
import { writeExtra } from './framing/extra-write';
import { entryLayout } from './framing/image';
import { decodeAt, sizedRecord } from './framing/messages';
import { FramingError } from './framing/reads';
import { imageKindByName, prefixMagic, type ImageKind } from './magic';
import { criuSchema } from './schema/registry';

function u32(value: number): Buffer {
  const bytes = Buffer.allocUnsafe(4);
  bytes.writeUInt32LE(value, 0);
  return bytes;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function imageKindOf(json: Record<string, unknown>, fileName: string): ImageKind {
  const kind = typeof json.magic === 'string' ? imageKindByName(json.magic) : undefined;
  if (kind === undefined) {
    const shown = typeof json.magic === 'string' ? `"${json.magic}"` : String(json.magic);
    throw new AmberError(`${fileName}: "magic" ${shown} is not a CRIU image kind`);
  }
  return kind;
}

function encodeEntry(kind: ImageKind, index: number, entry: unknown, out: Buffer[]): void {
  if (!isObject(entry)) throw new FieldValueError('an entry must be an object');
  const layout = entryLayout(kind, index);
  const message = encodeMessage(layout.type, entry, layout.extra === undefined ? undefined : 'extra');
  out.push(...sizedRecord(message));
  if (layout.extra === undefined) return;
  const decoded = decodeAt(layout.type, message, 0);
  if (hasExtra(layout.extra, decoded)) writeExtra(layout.extra, entry.extra, decoded, out);
}

/** The inverse of decoding: image bytes from crit's JSON (pretty or not), as `crit encode` writes them. */
export function encodeImage(json: unknown, fileNameForErrors: string): Buffer {
  if (!isObject(json) || !Array.isArray(json.entries)) throw new AmberError(`${fileNameForErrors}: expected an object with "magic" and "entries"`);
  const unexpected = Object.keys(json).find((key) => key !== 'magic' && key !== 'entries');
  if (unexpected !== undefined) throw new AmberError(`${fileNameForErrors}: unexpected top-level key "${unexpected}"`);
  const kind = imageKindOf(json, fileNameForErrors);
  const prefix = prefixMagic(kind);
  const out: Buffer[] = prefix === undefined ? [u32(kind.magic)] : [u32(prefix), u32(kind.magic)];
  json.entries.forEach((entry: unknown, index: number) => {
    try {
      encodeEntry(kind, index, entry, out);
    } catch (e) {
      if (e instanceof FieldValueError) {
        const where = e.path.length === 0 ? '' : ` field ${e.path.join('.')}:`;
        throw new AmberError(`${fileNameForErrors}: entry ${index}:${where} ${e.message}`);
      }
      if (e instanceof FramingError) throw new AmberError(`${fileNameForErrors}: entry ${index}: ${e.message}`);
      throw e;
    }
  });
  return Buffer.concat(out);
}

/** One protobuf message of the named schema type ("core_entry", ...), without framing. */
export function encodeMessageOf(typeName: string, message: Message): Buffer {
  return encodeMessage(criuSchema().message(typeName), message);
}
