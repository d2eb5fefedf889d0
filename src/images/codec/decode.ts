import { pythonBase64 } from '../json/python-text';
import { encodeQuotedPrintable } from '../json/quoted-printable';
import { decodeText } from '../json/surrogate-escape';
import type { Field, MessageType } from '../schema/registry';
import type { ScalarType } from '../schema/types';
import { WireError, WireReader, WireType } from '../wire/reader';
import { toInt32, toInt64, toUint32, zigzag32, zigzag64 } from './integers';

/**
 * Fields an image carries that our schema does not know (or enum values it
 * does not name), kept as raw wire bytes so that re-encoding gives them back.
 * crit drops them from its JSON, and so do we.
 */
export const UNKNOWN_FIELDS: unique symbol = Symbol('unknown protobuf fields');

/** A decoded message in crit's non-pretty JSON form. */
export type Message = Record<string, unknown> & { [UNKNOWN_FIELDS]?: Buffer };

type Slots = unknown[];

/** Reads one field value; `undefined` means "not representable" (an unnamed enum value). */
export type ValueReader = (reader: WireReader) => unknown;
type FieldHandler = (reader: WireReader, wireType: number, slots: Slots, tagStart: number) => void;

interface MessageDecoder {
  fields: Field[];
  /** Indexed by field number. */
  handlers: (FieldHandler | undefined)[];
}

interface ScalarSpec {
  wireType: WireType;
  read: ValueReader;
}

/** How the values of a non-message field are read: one value's wire type, whether runs may be packed, the reader. */
export type ValueSpec = ScalarSpec & { packable: boolean };

function bytesReader(field: Field): ValueReader {
  const render = field.options.conv === 'unix_name' ? encodeQuotedPrintable : pythonBase64;
  return (r) => {
    const end = r.lengthDelimitedEnd();
    const value = render(r.buf.subarray(r.pos, end));
    r.pos = end;
    return value;
  };
}

function stringReader(r: WireReader): string {
  const end = r.lengthDelimitedEnd();
  const value = decodeText(r.buf.subarray(r.pos, end));
  r.pos = end;
  return value;
}

function isNonZero(value: number | bigint): boolean {
  return value !== 0 && value !== 0n;
}

const SCALARS: Record<Exclude<ScalarType, 'bytes' | 'string'>, ScalarSpec> = {
  int32: { wireType: WireType.Varint, read: (r) => toInt32(r.varint()) },
  uint32: { wireType: WireType.Varint, read: (r) => toUint32(r.varint()) },
  sint32: { wireType: WireType.Varint, read: (r) => zigzag32(r.varint()) },
  int64: { wireType: WireType.Varint, read: (r) => toInt64(r.varint()) },
  uint64: { wireType: WireType.Varint, read: (r) => r.varint() },
  sint64: { wireType: WireType.Varint, read: (r) => zigzag64(r.varint()) },
  bool: { wireType: WireType.Varint, read: (r) => isNonZero(r.varint()) },
  fixed32: { wireType: WireType.Fixed32, read: (r) => r.fixed32() },
  sfixed32: { wireType: WireType.Fixed32, read: (r) => r.sfixed32() },
  float: { wireType: WireType.Fixed32, read: (r) => r.float() },
  fixed64: { wireType: WireType.Fixed64, read: (r) => r.fixed64() },
  sfixed64: { wireType: WireType.Fixed64, read: (r) => toInt64(r.fixed64()) },
  double: { wireType: WireType.Fixed64, read: (r) => r.double() },
};

export function valueSpec(field: Field): ValueSpec {
  const type = field.type;
  if (type.kind === 'enum') {
    const names = type.enumType.nameOf;
    return { wireType: WireType.Varint, packable: true, read: (r) => names.get(toInt32(r.varint())) };
  }
  if (type.kind === 'scalar' && type.scalar === 'string') return { wireType: WireType.LengthDelimited, packable: false, read: stringReader };
  if (type.kind === 'scalar' && type.scalar === 'bytes') return { wireType: WireType.LengthDelimited, packable: false, read: bytesReader(field) };
  if (type.kind === 'scalar') return { ...SCALARS[type.scalar as keyof typeof SCALARS], packable: true };
  throw new Error(`field ${field.name} is a message`);
}

function keepUnknown(reader: WireReader, slots: Slots, tagStart: number): void {
  const unknown = (slots[slots.length - 1] ??= []) as Buffer[];
  unknown.push(Buffer.from(reader.buf.subarray(tagStart, reader.pos)));
}

/** A value the schema cannot name goes with the unknown fields, re-tagged as a single varint. */
function keepUnnamedEnum(reader: WireReader, field: Field, slots: Slots, valueStart: number): void {
  const unknown = (slots[slots.length - 1] ??= []) as Buffer[];
  unknown.push(Buffer.concat([varintTag(field.number), reader.buf.subarray(valueStart, reader.pos)]));
}

function varintTag(fieldNumber: number): Buffer {
  const bytes: number[] = [];
  let value = fieldNumber * 8;
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

function scalarHandler(field: Field, slot: number): FieldHandler {
  const { wireType, packable, read } = valueSpec(field);
  const repeated = field.label === 'repeated';
  const readOne = (r: WireReader, slots: Slots, target: unknown[] | undefined): void => {
    const valueStart = r.pos;
    const value = read(r);
    if (value === undefined) keepUnnamedEnum(r, field, slots, valueStart);
    else if (target !== undefined) target.push(value);
    else slots[slot] = value;
  };
  return (r, type, slots, tagStart) => {
    if (repeated && packable && type === WireType.LengthDelimited) {
      const end = r.lengthDelimitedEnd();
      const outerEnd = r.end;
      r.end = end;
      const values = (slots[slot] ??= []) as unknown[];
      while (r.pos < end) readOne(r, slots, values);
      r.end = outerEnd;
    } else if (type === wireType) {
      readOne(r, slots, repeated ? ((slots[slot] ??= []) as unknown[]) : undefined);
    } else {
      r.skip(type);
      keepUnknown(r, slots, tagStart);
    }
  };
}

function messageHandler(field: Field, slot: number, child: () => MessageDecoder): FieldHandler {
  const repeated = field.label === 'repeated';
  let decoder: MessageDecoder | undefined;
  return (r, type, slots, tagStart) => {
    if (type !== WireType.LengthDelimited) {
      r.skip(type);
      keepUnknown(r, slots, tagStart);
      return;
    }
    const end = r.lengthDelimitedEnd();
    decoder ??= child();
    let nested: Slots;
    if (repeated) {
      nested = new Array(decoder.fields.length + 1);
      ((slots[slot] ??= []) as Slots[]).push(nested);
    } else {
      // A repeated occurrence of a singular message merges into the first (protobuf rule).
      nested = (slots[slot] ??= new Array(decoder.fields.length + 1)) as Slots;
    }
    const outerEnd = r.enter(end);
    fill(decoder, r, nested);
    r.leave(outerEnd);
  };
}

const compiled = new WeakMap<MessageType, MessageDecoder>();

function decoderFor(type: MessageType): MessageDecoder {
  let decoder = compiled.get(type);
  if (decoder !== undefined) return decoder;
  const maxNumber = Math.max(0, ...type.fields.map((f) => f.number));
  const handlers: (FieldHandler | undefined)[] = new Array(maxNumber + 1);
  decoder = { fields: type.fields, handlers };
  compiled.set(type, decoder);
  type.fields.forEach((field, slot) => {
    const fieldType = field.type;
    // Children compile on first use: message types may refer to each other.
    handlers[field.number] =
      fieldType.kind === 'message' ? messageHandler(field, slot, () => decoderFor(fieldType.messageType)) : scalarHandler(field, slot);
  });
  return decoder;
}

function fill(decoder: MessageDecoder, r: WireReader, slots: Slots): void {
  const handlers = decoder.handlers;
  while (r.pos < r.end) {
    const tagStart = r.pos;
    const tag = r.uint32();
    if (tag >>> 3 === 0) throw new WireError('invalid field number 0', tagStart);
    const wireType = tag & 7;
    const handler = handlers[tag >>> 3];
    if (handler !== undefined) handler(r, wireType, slots, tagStart);
    else {
      r.skip(wireType);
      keepUnknown(r, slots, tagStart);
    }
  }
}

function build(decoder: MessageDecoder, slots: Slots): Message {
  const message: Message = {};
  const fields = decoder.fields;
  for (let i = 0; i < fields.length; i++) {
    const value = slots[i];
    if (value === undefined) continue;
    const type = fields[i].type;
    if (type.kind !== 'message') message[fields[i].name] = value;
    else {
      const child = decoderFor(type.messageType);
      message[fields[i].name] = fields[i].label === 'repeated' ? (value as Slots[]).map((s) => build(child, s)) : build(child, value as Slots);
    }
  }
  const unknown = slots[fields.length] as Buffer[] | undefined;
  // Not enumerable: JSON, spreads and deep comparisons see only the schema's fields.
  if (unknown !== undefined) Object.defineProperty(message, UNKNOWN_FIELDS, { value: Buffer.concat(unknown) });
  return message;
}

/** Decodes `buf[start..end)` as one message of `type`; throws WireError on malformed input. */
export function decodeMessage(type: MessageType, buf: Buffer, start: number, end: number): Message {
  const decoder = decoderFor(type);
  const slots: Slots = new Array(decoder.fields.length + 1);
  fill(decoder, new WireReader(buf, start, end), slots);
  return build(decoder, slots);
}
