import type { Message } from '../codec/decode';
import { encodeMessage } from '../codec/encode';
import type { ExtraPayload } from '../magic';
import { criuSchema } from '../schema/registry';
import { count, isElsewhere, roundUp } from './extra';
import { decodeAt, sizedRecord } from './messages';
import { FramingError } from './reads';

/** Entry payloads written back from crit's "extra" key, as extra.ts reads them. */

function base64Bytes(extra: unknown, what: string): Buffer {
  if (typeof extra !== 'string') throw new FramingError(`${what} must be a base64 string`);
  return Buffer.from(extra.replace(/\s/g, ''), 'base64');
}

/** Payload bytes that must be exactly as long as the entry says. */
function sizedBytes(extra: unknown, length: number, what: string): Buffer {
  const bytes = extra === undefined && length === 0 ? Buffer.alloc(0) : base64Bytes(extra, what);
  if (bytes.length !== length) throw new FramingError(`${what} holds ${bytes.length} bytes but the entry says ${length}`);
  return bytes;
}

function padded(bytes: Buffer, unit = 1): Buffer[] {
  const pad = roundUp(bytes.length, unit) - bytes.length;
  return pad === 0 ? [bytes] : [bytes, Buffer.alloc(pad)];
}

/** Appends the payload of one entry; `entry` is the entry as decoded back from its encoded message. */
export function writeExtra(rule: ExtraPayload, extra: unknown, entry: Message, out: Buffer[]): void {
  switch (rule.kind) {
    case 'length-field': {
      if (isElsewhere(rule, entry)) return;
      const length = rule.fields.reduce((sum, f) => sum + count(entry, f), 0);
      out.push(...padded(sizedBytes(extra, length, '"extra"'), rule.align));
      return;
    }
    case 'named-blobs': {
      const blobs = (extra ?? {}) as Record<string, unknown>;
      for (const blob of rule.blobs) out.push(sizedBytes(blobs[blob.key], count(entry, blob.lengthField), `"extra"."${blob.key}"`));
      return;
    }
    case 'u16-array': {
      const values = count(entry, rule.countField);
      if (!Array.isArray(extra) || extra.length !== values || !extra.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffff)) {
        throw new FramingError(`"extra" must list ${values} 16-bit values`);
      }
      const data = Buffer.alloc(roundUp(values * 2, rule.align));
      extra.forEach((v: number, i) => data.writeUInt16LE(v, i * 2));
      out.push(data);
      return;
    }
    case 'sub-entries': {
      const type = criuSchema().message(rule.message);
      const items = Array.isArray(extra) ? extra : [];
      if (items.length !== 2 * count(entry, rule.countField)) throw new FramingError(`"extra" must hold ${rule.countField} message/data pairs`);
      for (let i = 0; i < items.length; i += 2) {
        const encoded = encodeMessage(type, items[i] as Message);
        const length = count(decodeAt(type, encoded, 0), rule.lengthField);
        out.push(...sizedRecord(encoded), ...padded(sizedBytes(items[i + 1], length, `"extra" item ${i + 1}`), rule.align));
      }
      return;
    }
    case 'rest-of-file':
      out.push(base64Bytes(extra, '"extra"'));
  }
}
