import type { Message } from '../codec/decode';
import type { Field, MessageType } from '../schema/registry';
import { formatDevice } from './device';
import { FLAG_TABLES, VALUE_TABLES, type FlagTable } from './display-tables';
import { formatIpAddress } from './ip-address';
import { pythonHex, pythonJsonString } from './python-text';

/**
 * JSON text exactly as crit prints it: Python's json.dump with
 * ensure_ascii, ", "/": " separators on one line, or indent=4 when pretty.
 * Pretty output also applies crit's field display rules (hex, flags, dev,
 * ipadd, dict), which is why rendering follows the schema.
 */

const INDENTS: string[] = [];

function newline(depth: number): string {
  return (INDENTS[depth] ??= '\n' + ' '.repeat(4 * depth));
}

/** How many small pieces are joined into one chunk: keeps the piece list short and reused. */
const PIECES_PER_CHUNK = 2048;

/** Collects the output in small pieces, joined chunk by chunk (much faster than growing one string). */
export class JsonWriter {
  private readonly pieces: string[] = [];
  private readonly chunks: string[] = [];
  private depth = 0;

  constructor(readonly pretty: boolean) {}

  write(text: string): void {
    if (this.pieces.push(text) === PIECES_PER_CHUNK) this.flush();
  }

  private flush(): void {
    this.chunks.push(this.pieces.join(''));
    this.pieces.length = 0;
  }

  open(bracket: '{' | '['): void {
    this.write(bracket);
    this.depth++;
  }

  /** Starts an item of the open list or object; `first` for its first item. */
  item(first: boolean): void {
    if (this.pretty) this.write(first ? newline(this.depth) : ',' + newline(this.depth));
    else if (!first) this.write(', ');
  }

  /** Starts an object item: the separator, then the quoted key. */
  key(first: boolean, quotedKey: string): void {
    this.item(first);
    this.write(quotedKey + ': ');
  }

  close(bracket: '}' | ']', empty: boolean): void {
    this.depth--;
    if (this.pretty && !empty) this.write(newline(this.depth));
    this.write(bracket);
  }

  text(): string {
    this.flush();
    return this.chunks.join('');
  }
}

/** Any JSON-like value (crit's "extra" payloads): strings, numbers, booleans, lists, objects. */
export function renderPlain(w: JsonWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      return w.write(pythonJsonString(value));
    case 'number':
    case 'bigint':
      return w.write(String(value));
    case 'boolean':
      return w.write(value ? 'true' : 'false');
    case 'object': {
      if (value === null) return w.write('null');
      if (Array.isArray(value)) {
        w.open('[');
        value.forEach((v, i) => {
          w.item(i === 0);
          renderPlain(w, v);
        });
        return w.close(']', value.length === 0);
      }
      const entries = Object.entries(value);
      w.open('{');
      entries.forEach(([k, v], i) => {
        w.key(i === 0, pythonJsonString(k));
        renderPlain(w, v);
      });
      return w.close('}', entries.length === 0);
    }
    default:
      throw new Error(`cannot print a ${typeof value} as JSON`);
  }
}

const TWO_32 = 2 ** 32;

/** crit's "A | B | 0x40": the names of the set bits, in table order, then any bits left over in hex. */
function mapFlags(value: number | bigint, table: FlagTable): string {
  const names: string[] = [];
  if (typeof value === 'number' && value >= 0 && value < TWO_32) {
    let rest = value;
    for (const [name, bit] of table) {
      if ((value & bit) !== 0) names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
    if (rest !== 0) names.push(pythonHex(rest));
  } else {
    let rest = BigInt(value);
    for (const [name, bit] of table) if ((rest & BigInt(bit)) !== 0n) names.push(name);
    for (const [, bit] of table) rest &= ~BigInt(bit);
    if (rest !== 0n) names.push(pythonHex(rest));
  }
  return names.join(' | ');
}

/** How pretty output shows an integer field, by crit's precedence: hex, dev, flags, dict. */
function prettyInteger(field: Field, value: number | bigint, hex: boolean): string {
  const options = field.options;
  if (hex || options.hex === true) return `"${pythonHex(value)}"`;
  if (options.dev === true) return `"${formatDevice(value, options.odev === true)}"`;
  if (options.flags !== undefined) {
    const table = FLAG_TABLES.get(options.flags);
    return `"${table === undefined ? pythonHex(value) : mapFlags(value, table)}"`;
  }
  if (options.dict !== undefined) {
    const name = VALUE_TABLES.get(options.dict)?.get(field.name)?.get(Number(value));
    if (name !== undefined) return pythonJsonString(name);
  }
  return String(value);
}

function isIntegerField(field: Field): boolean {
  return field.type.kind === 'scalar' && field.type.scalar !== 'bool' && field.type.scalar !== 'string' && field.type.scalar !== 'bytes';
}

function renderValue(w: JsonWriter, field: Field, value: unknown, hex: boolean): void {
  const type = field.type;
  if (type.kind === 'message') renderMessage(w, type.messageType, value as Message, hex || field.options.hex === true);
  else if (w.pretty && isIntegerField(field) && (typeof value === 'number' || typeof value === 'bigint')) w.write(prettyInteger(field, value, hex));
  else renderPlain(w, value);
}

function renderField(w: JsonWriter, field: Field, value: unknown, hex: boolean): void {
  if (field.label !== 'repeated') return renderValue(w, field, value, hex);
  const values = value as unknown[];
  if (w.pretty && field.options.ipadd === true && (values.length === 1 || values.length >= 4)) {
    return renderPlain(w, [formatIpAddress((values as number[]).slice(0, 4))]);
  }
  w.open('[');
  for (let i = 0; i < values.length; i++) {
    w.item(i === 0);
    renderValue(w, field, values[i], hex);
  }
  w.close(']', values.length === 0);
}

/** One message in field-number order, then the entry's "extra" payload if given. */
export function renderMessage(w: JsonWriter, type: MessageType, message: Message, hex = false, extra?: unknown): void {
  w.open('{');
  let empty = true;
  for (const field of type.fields) {
    const value = message[field.name];
    if (value === undefined) continue;
    w.key(empty, '"' + field.name + '"');
    renderField(w, field, value, hex);
    empty = false;
  }
  if (extra !== undefined) {
    w.key(empty, '"extra"');
    renderPlain(w, extra);
    empty = false;
  }
  w.close('}', empty);
}
