import type { Message } from '../codec/decode';
import { pythonBase64 } from '../json/python-text';
import type { ExtraPayload } from '../magic';
import { criuSchema } from '../schema/registry';
import { sizedMessage } from './messages';
import { FramingError, take, takeRest, type Cursor, type Reads } from './reads';

/**
 * Raw data that follows an entry's message (pipe and socket queues, shared
 * memory, ghost file contents, ...), laid out as magic.ts describes. crit
 * shows it as the entry's "extra" key. Writing them back: extra-write.ts.
 */

/** The value of a length or count field of `entry`. */
export function count(entry: Message, field: string): number {
  const value = entry[field] ?? 0;
  if (typeof value !== 'number') throw new FramingError(`${field} ${String(value)} is too large`);
  return value;
}

export function roundUp(value: number, unit = 1): number {
  return Math.ceil(value / unit) * unit;
}

/** Whether `rule` puts a payload after this entry at all. */
export function hasExtra(rule: ExtraPayload, entry: Message): boolean {
  return !(rule.kind === 'rest-of-file' && rule.unlessField !== undefined && entry[rule.unlessField] === true);
}

/** Whether a length-field payload is kept in other images instead. */
export const isElsewhere = (rule: ExtraPayload & { kind: 'length-field' }, entry: Message): boolean =>
  rule.elsewhereField !== undefined && entry[rule.elsewhereField] === true;

export function* readExtra(rule: ExtraPayload, cursor: Cursor, entry: Message): Reads<unknown> {
  switch (rule.kind) {
    case 'length-field': {
      if (isElsewhere(rule, entry)) return '';
      const length = rule.fields.reduce((sum, f) => sum + count(entry, f), 0);
      const data = yield* take(cursor, roundUp(length, rule.align), 'the entry payload');
      return pythonBase64(data.subarray(0, length));
    }
    case 'named-blobs': {
      const blobs: Record<string, string> = {};
      for (const blob of rule.blobs) blobs[blob.key] = pythonBase64(yield* take(cursor, count(entry, blob.lengthField), `the ${blob.key} payload`));
      return blobs;
    }
    case 'u16-array': {
      const values = count(entry, rule.countField);
      const data = yield* take(cursor, roundUp(values * 2, rule.align), 'the entry payload');
      return Array.from({ length: values }, (_, i) => data.readUInt16LE(i * 2));
    }
    case 'sub-entries': {
      const type = criuSchema().message(rule.message);
      const items: unknown[] = [];
      for (let i = 0; i < count(entry, rule.countField); i++) {
        const message = (yield* sizedMessage(cursor, type, false)) as Message;
        const length = count(message, rule.lengthField);
        const data = yield* take(cursor, roundUp(length, rule.align), 'a sub-entry payload');
        items.push(message, pythonBase64(data.subarray(0, length)));
      }
      return items;
    }
    case 'rest-of-file':
      return pythonBase64(yield* takeRest(cursor));
  }
}
