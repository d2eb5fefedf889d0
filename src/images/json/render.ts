import type { Message } from '../codec/decode';
import type { Field, MessageType } from '../schema/registry';
import { AsciiOut, TextSink, type ChunkSink } from './ascii-out';
import { formatDevice } from './device';
import { FLAG_TABLES, VALUE_TABLES, type FlagTable } from './display-tables';
import { formatIpAddress } from './ip-address';
import { pythonHex, pythonJsonString } from './python-text';

/**
 * JSON text exactly as crit prints it: Python's json.dump with
 * ensure_ascii, ", "/": " separators on one line, or indent=4 when pretty.
 * Pretty output also applies crit's field display rules (hex, flags, dev,
 * ipadd, dict), which is why rendering follows the schema: each message type
 * is compiled once into a function that writes its text.
 */
export class JsonOut extends AsciiOut {
  constructor(
    readonly pretty: boolean,
    sink: ChunkSink,
    reuseChunks = false,
  ) {
    super(sink, reuseChunks);
  }
}

/** What goes before the first item of a list or object, between items, and before its closing bracket. */
interface Layout {
  first: string;
  between: string;
  last: string;
}

const LAYOUTS: Layout[][] = [[], []];

/** The layout of a list or object nested `depth` levels deep. */
export function layout(pretty: boolean, depth: number): Layout {
  const line = (depth: number): string => '\n' + ' '.repeat(4 * depth);
  return (LAYOUTS[Number(pretty)][depth] ??= pretty ? { first: line(depth + 1), between: ',' + line(depth + 1), last: line(depth) } : { first: '', between: ', ', last: '' });
}

/** Writes a value nested `depth` levels deep (only pretty output cares). */
type Render = (out: JsonOut, value: unknown, depth: number) => void;

/** Any JSON-like value (crit's "extra" payloads): strings, numbers, booleans, lists, objects. */
export function writePlain(out: JsonOut, value: unknown, depth: number): void {
  switch (typeof value) {
    case 'string':
      return out.write(pythonJsonString(value));
    case 'number':
    case 'bigint':
      return out.number(value);
    case 'boolean':
      return out.write(value ? 'true' : 'false');
    case 'object': {
      if (value === null) return out.write('null');
      if (Array.isArray(value)) return writeList(out, value, depth, writePlain);
      const entries = Object.entries(value);
      if (entries.length === 0) return out.write('{}');
      const { first, between, last } = layout(out.pretty, depth);
      entries.forEach(([k, v], i) => {
        out.write((i === 0 ? '{' + first : between) + pythonJsonString(k) + ': ');
        writePlain(out, v, depth + 1);
      });
      return out.write(last + '}');
    }
    default:
      throw new Error(`cannot print a ${typeof value} as JSON`);
  }
}

function writeList(out: JsonOut, values: readonly unknown[], depth: number, writeItem: Render): void {
  if (values.length === 0) return out.write('[]');
  const { first, between, last } = layout(out.pretty, depth);
  out.write('[');
  for (let i = 0; i < values.length; i++) {
    out.write(i === 0 ? first : between);
    writeItem(out, values[i], depth + 1);
  }
  out.write(last);
  out.write(']');
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

/** Whether a field holds numbers: integers, or floating point. */
export function isNumericField(field: Field): boolean {
  return field.type.kind === 'scalar' && field.type.scalar !== 'bool' && field.type.scalar !== 'string' && field.type.scalar !== 'bytes';
}

/** How one value of a field renders (a list item, for repeated fields). */
export function valueRenderer(field: Field, pretty: boolean, hex: boolean): Render {
  const type = field.type;
  if (type.kind === 'message') {
    const childHex = hex || field.options.hex === true;
    let child: MessageRender | undefined;
    // Compiled on first use: message types may refer to each other.
    return (out, value, depth) => (child ??= messageRenderer(type.messageType, pretty, childHex))(out, value as Message, depth);
  }
  if (pretty && isNumericField(field)) {
    return (out, value, depth) =>
      typeof value === 'number' || typeof value === 'bigint' ? out.write(prettyInteger(field, value, hex)) : writePlain(out, value, depth);
  }
  return writePlain;
}

function fieldRenderer(field: Field, pretty: boolean, hex: boolean): Render {
  const writeOne = valueRenderer(field, pretty, hex);
  if (field.label !== 'repeated') return writeOne;
  const ipAddress = pretty && field.options.ipadd === true;
  return (out, value, depth) => {
    const values = value as unknown[];
    if (ipAddress && (values.length === 1 || values.length >= 4)) writePlain(out, [formatIpAddress((values as number[]).slice(0, 4))], depth);
    else writeList(out, values, depth, writeOne);
  };
}

/** Writes a message nested `depth` levels deep, then the entry's "extra" payload if given. */
type MessageRender = (out: JsonOut, message: Message, depth: number, extra?: unknown) => void;

/** Indexed by 2 * pretty + hex. */
const compiled = [0, 1, 2, 3].map(() => new WeakMap<MessageType, MessageRender>());

function messageRenderer(type: MessageType, pretty: boolean, hex: boolean): MessageRender {
  const cache = compiled[2 * Number(pretty) + Number(hex)];
  const cached = cache.get(type);
  if (cached !== undefined) return cached;
  const key = (name: string): string => pythonJsonString(name) + ': ';
  const fields = type.fields.map((field) => ({ name: field.name, key: key(field.name), render: fieldRenderer(field, pretty, hex) }));
  const extraKey = key('extra');
  const render: MessageRender = (out, message, depth, extra) => {
    const { first, between, last } = layout(pretty, depth);
    let separator = first;
    out.write('{');
    for (const field of fields) {
      const value = message[field.name];
      if (value === undefined) continue;
      out.write(separator);
      out.write(field.key);
      field.render(out, value, depth + 1);
      separator = between;
    }
    if (extra !== undefined) {
      out.write(separator);
      out.write(extraKey);
      writePlain(out, extra, depth + 1);
    } else if (separator !== between) return out.write('}');
    out.write(last);
    out.write('}');
  };
  cache.set(type, render);
  return render;
}

/** Writes one message as crit prints it, nested `depth` levels deep, with the entry's "extra" payload if given. */
export function writeMessage(out: JsonOut, type: MessageType, message: Message, depth = 0, extra?: unknown): void {
  messageRenderer(type, out.pretty, false)(out, message, depth, extra);
}

/** One message as crit prints it. */
export function messageJson(type: MessageType, message: Message, pretty: boolean): string {
  const text = new TextSink();
  const out = new JsonOut(pretty, text.sink);
  writeMessage(out, type, message);
  out.end();
  return text.text();
}
