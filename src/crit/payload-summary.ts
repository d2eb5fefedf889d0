import type { DecodedImage, Message } from '../images';
import { encodeMessageOf } from '../images';
import type { ExtraPayload } from '../images/magic';

/** Python's "%.1f": an exact tie rounds to the even digit. */
function oneDecimal(value: number): string {
  const scaled = value * 10;
  const floor = Math.floor(scaled);
  const tenths = scaled - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(scaled);
  return (tenths / 10).toFixed(1);
}

/** crit's human-readable size: "95B", "2KB", "1.5MB". */
export function humanSize(bytes: number): string {
  let value = bytes;
  for (const unit of ['', 'K', 'M', 'G', 'T', 'P', 'E', 'Z']) {
    if (value < 1024) return Number.isInteger(value) ? `${value}${unit}B` : `${oneDecimal(value)}${unit}B`;
    value /= 1024;
  }
  return `${oneDecimal(value)}YB`;
}

function field(entry: Message, name: string): number {
  return Number(entry[name] ?? 0);
}

/** The payload size crit reports for one entry. */
function payloadSize(rule: ExtraPayload, entry: Message): number {
  switch (rule.kind) {
    case 'length-field':
      return rule.fields.reduce((sum, f) => sum + field(entry, f), 0);
    case 'named-blobs':
      return rule.blobs.reduce((sum, b) => sum + field(entry, b.lengthField), 0);
    case 'u16-array':
      return 2 * field(entry, rule.countField);
    case 'sub-entries': {
      const items = entry.extra as Message[];
      let size = 0;
      for (let i = 0; i < items.length; i += 2) size += encodeMessageOf(rule.message, items[i]).length + field(items[i], rule.lengthField);
      return size;
    }
    case 'rest-of-file':
      return Buffer.from(String(entry.extra), 'base64').length;
  }
}

/**
 * `crit show --nopl`: each payload becomes "... <SIZE>"; ghost file contents
 * are left out altogether, as crit does.
 */
export function summarizePayloads(image: DecodedImage): DecodedImage {
  const kind = image.kind;
  const entries = image.entries.map((entry, index) => {
    if (entry.extra === undefined) return entry;
    const { extra, ...rest } = entry;
    if (kind.name === 'GHOST_FILE') return rest;
    const rule = (index === 0 && kind.header !== undefined ? kind.headerExtra : kind.extra) as ExtraPayload;
    return { ...rest, extra: `... <${humanSize(payloadSize(rule, { ...rest, extra }))}>` };
  });
  return { kind, entries };
}
