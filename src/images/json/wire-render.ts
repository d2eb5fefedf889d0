import { valueSpec, type ValueReader } from '../codec/decode';
import type { Field, MessageType } from '../schema/registry';
import { WireType, type WireReader } from '../wire/reader';
import { isNumericField, layout, valueRenderer, type JsonOut } from './render';
import { pythonJsonString } from './python-text';

/**
 * crit's JSON text written straight from a message's protobuf bytes, with no
 * message object in between: images of millions of entries decode several
 * times faster this way, with next to no garbage. It takes the wire form
 * protobuf encoders write (fields in number order, a singular field once,
 * a repeated field's values together); given anything else, or a value it
 * cannot show, it throws FALL_BACK, and the caller decodes that message into
 * an object instead, which handles every legal form and names every problem.
 */
export const FALL_BACK: unique symbol = Symbol('decode this message into an object');

/** Writes the message in `reader.pos..reader.end`. */
export type WireRender = (reader: WireReader, out: JsonOut) => void;

interface WireField {
  repeated: boolean;
  /** The wire type of one value; packable fields also take runs of values as one length-delimited record. */
  wireType: WireType;
  packable: boolean;
  /** The separator and key when the field comes first, and when it follows another, as ASCII bytes. */
  firstKey: Buffer;
  laterKey: Buffer;
  /** Reads one value and writes it. */
  writeOne: WireRender;
  /** For a field shown as a plain number, the reader of one value: the commonest case, called directly. */
  readNumber: ValueReader | undefined;
}

/** Compiled renderers of each message type, indexed by `variant` (depth matters only to pretty text). */
const compiled = new WeakMap<MessageType, WireRender[]>();

function variant(pretty: boolean, hex: boolean, depth: number): number {
  return pretty ? 2 + 2 * depth + Number(hex) : Number(hex);
}

/** The renderer of messages of `type` nested `depth` levels deep; `hex` when an enclosing field is shown in hex. */
export function wireRenderer(type: MessageType, pretty: boolean, hex: boolean, depth: number): WireRender {
  let variants = compiled.get(type);
  if (variants === undefined) compiled.set(type, (variants = []));
  return (variants[variant(pretty, hex, depth)] ??= messageRenderer(type, pretty, hex, depth));
}

function nestedMessage(type: MessageType, pretty: boolean, hex: boolean, depth: number): WireRender {
  let render: WireRender | undefined;
  return (r, out) => {
    const outerEnd = r.enter(r.lengthDelimitedEnd());
    // Compiled on first use: message types may refer to each other.
    (render ??= wireRenderer(type, pretty, hex, depth))(r, out);
    r.leave(outerEnd);
  };
}

function scalarValue(field: Field, pretty: boolean, hex: boolean, depth: number): WireRender {
  const { read } = valueSpec(field);
  const render = valueRenderer(field, pretty, hex);
  return (r, out) => {
    const value = read(r);
    if (value === undefined) throw FALL_BACK;
    render(out, value, depth);
  };
}

function fallBack(): never {
  throw FALL_BACK;
}

function ascii(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

function wireField(field: Field, pretty: boolean, hex: boolean, depth: number): WireField {
  const repeated = field.label === 'repeated';
  const valueDepth = repeated ? depth + 2 : depth + 1;
  const key = pythonJsonString(field.name) + ': ';
  const { first, between } = layout(pretty, depth);
  const shared = { repeated, firstKey: ascii(first + key), laterKey: ascii(between + key) };
  if (field.type.kind === 'message') {
    const writeOne = nestedMessage(field.type.messageType, pretty, hex || field.options.hex === true, valueDepth);
    return { ...shared, wireType: WireType.LengthDelimited, packable: false, writeOne, readNumber: undefined };
  }
  const { wireType, packable, read } = valueSpec(field);
  // Pretty addresses depend on how many values there are.
  const writeOne = pretty && repeated && field.options.ipadd === true ? fallBack : scalarValue(field, pretty, hex, valueDepth);
  return { ...shared, wireType, packable: repeated && packable, writeOne, readNumber: !pretty && isNumericField(field) ? read : undefined };
}

function writeValue(field: WireField, r: WireReader, out: JsonOut): void {
  if (field.readNumber !== undefined) out.number(field.readNumber(r) as number | bigint);
  else field.writeOne(r, out);
}

function closeItems(out: JsonOut, items: number, closeList: Buffer): void {
  if (items === 0) out.write(']');
  else out.copy(closeList);
}

function messageRenderer(type: MessageType, pretty: boolean, hex: boolean, depth: number): WireRender {
  const fields: (WireField | undefined)[] = [];
  for (const field of type.fields) fields[field.number] = wireField(field, pretty, hex, depth);
  const closeMessage = ascii(layout(pretty, depth).last + '}');
  const list = layout(pretty, depth + 1);
  const firstItem = ascii(list.first);
  const laterItem = ascii(list.between);
  const closeList = ascii(list.last + ']');
  return (r, out) => {
    out.write('{');
    /** The number of the field written last, and how many values its list has, if it is a list. */
    let previous = 0;
    let items = -1;
    while (r.pos < r.end) {
      const tag = r.uint32();
      const number = tag >>> 3;
      const wireType = tag & 7;
      if (number === 0) throw FALL_BACK;
      const field = fields[number];
      const packed = field !== undefined && field.packable && wireType === WireType.LengthDelimited;
      if (field === undefined || (wireType !== field.wireType && !packed)) {
        // Unknown to the schema: crit leaves it out.
        r.skip(wireType);
        continue;
      }
      if (number !== previous) {
        if (number < previous) throw FALL_BACK;
        if (items >= 0) closeItems(out, items, closeList);
        out.copy(previous === 0 ? field.firstKey : field.laterKey);
        previous = number;
        items = -1;
        if (field.repeated) {
          out.write('[');
          items = 0;
        }
      } else if (!field.repeated) throw FALL_BACK;
      if (!field.repeated) {
        writeValue(field, r, out);
      } else if (packed) {
        const end = r.lengthDelimitedEnd();
        const outerEnd = r.end;
        r.end = end;
        while (r.pos < end) {
          out.copy(items++ === 0 ? firstItem : laterItem);
          writeValue(field, r, out);
        }
        r.end = outerEnd;
      } else {
        out.copy(items++ === 0 ? firstItem : laterItem);
        writeValue(field, r, out);
      }
    }
    if (items >= 0) closeItems(out, items, closeList);
    if (previous === 0) out.write('}');
    else out.copy(closeMessage);
  };
}
