import { encodeText } from '../json/surrogate-escape';
import { parseIpAddress } from '../json/ip-address';
import type { Field, MessageType } from '../schema/registry';
import type { ScalarType } from '../schema/types';
import { WireType } from '../wire/reader';
import { WireWriter } from '../wire/writer';
import { UNKNOWN_FIELDS, type Message } from './decode';
import { unsigned64, zigzagEncode } from './integers';
import {
  FieldValueError,
  boolFromJson,
  bytesFromJson,
  enumFromJson,
  floatFromJson,
  integerFromJson,
  listFromJson,
  objectFromJson,
  stringFromJson,
} from './json-values';

/** Writes one value (without its tag) from its JSON form. */
type ValueWriter = (w: WireWriter, value: unknown) => void;

interface ValueCodec {
  wireType: WireType;
  packable: boolean;
  write: ValueWriter;
}

function lengthDelimited(w: WireWriter, bytes: Uint8Array): void {
  w.varint(bytes.length);
  w.raw(bytes);
}

function integerCodec(field: Field, scalar: ScalarType): ValueCodec {
  const toInt = (value: unknown): number | bigint => integerFromJson(field, scalar, value);
  const varint = (write: (w: WireWriter, n: number | bigint) => void): ValueCodec => ({
    wireType: WireType.Varint,
    packable: true,
    write: (w, value) => write(w, toInt(value)),
  });
  switch (scalar) {
    case 'uint32':
    case 'uint64':
      return varint((w, n) => w.varint(n));
    case 'int32':
    case 'int64':
      return varint((w, n) => w.varint(unsigned64(n)));
    case 'sint32':
      return varint((w, n) => w.varint(zigzagEncode(n, 32)));
    case 'sint64':
      return varint((w, n) => w.varint(zigzagEncode(n, 64)));
    case 'fixed32':
    case 'sfixed32':
      return { wireType: WireType.Fixed32, packable: true, write: (w, value) => w.fixed32(Number(toInt(value))) };
    default:
      return { wireType: WireType.Fixed64, packable: true, write: (w, value) => w.fixed64(toInt(value)) };
  }
}

function valueCodec(field: Field): ValueCodec {
  const type = field.type;
  if (type.kind === 'enum') {
    const enumType = type.enumType;
    return { wireType: WireType.Varint, packable: true, write: (w, v) => w.varint(unsigned64(enumFromJson(enumType, v))) };
  }
  if (type.kind === 'message') throw new Error(`field ${field.name} is a message`);
  switch (type.scalar) {
    case 'bool':
      return { wireType: WireType.Varint, packable: true, write: (w, v) => w.varint(boolFromJson(v) ? 1 : 0) };
    case 'float':
      return { wireType: WireType.Fixed32, packable: true, write: (w, v) => w.float(floatFromJson(v)) };
    case 'double':
      return { wireType: WireType.Fixed64, packable: true, write: (w, v) => w.double(floatFromJson(v)) };
    case 'string':
      return { wireType: WireType.LengthDelimited, packable: false, write: (w, v) => lengthDelimited(w, encodeText(stringFromJson(v))) };
    case 'bytes':
      return { wireType: WireType.LengthDelimited, packable: false, write: (w, v) => lengthDelimited(w, bytesFromJson(field, v)) };
    default:
      return integerCodec(field, type.scalar);
  }
}

/** An ipadd list given as ["10.0.0.1"] (pretty form) becomes its address words. */
function addressWords(field: Field, values: unknown[]): unknown[] {
  if (field.options.ipadd !== true || typeof values[0] !== 'string') return values;
  const words = parseIpAddress(values[0]);
  if (words === undefined) throw new FieldValueError(`${JSON.stringify(values[0])} is not an IP address`);
  return words;
}

type FieldWriter = (w: WireWriter, value: unknown) => void;

function scalarFieldWriter(field: Field): FieldWriter {
  const codec = valueCodec(field);
  const number = field.number;
  if (field.label !== 'repeated') {
    return (w, value) => {
      w.tag(number, codec.wireType);
      codec.write(w, value);
    };
  }
  if (field.packed && codec.packable) {
    return (w, value) => {
      const values = addressWords(field, listFromJson(value));
      if (values.length === 0) return;
      w.tag(number, WireType.LengthDelimited);
      const mark = w.beginLength();
      for (const v of values) codec.write(w, v);
      w.endLength(mark);
    };
  }
  return (w, value) => {
    for (const v of addressWords(field, listFromJson(value))) {
      w.tag(number, codec.wireType);
      codec.write(w, v);
    }
  };
}

function messageFieldWriter(field: Field, child: MessageType): FieldWriter {
  const writeOne = (w: WireWriter, value: unknown): void => {
    w.tag(field.number, WireType.LengthDelimited);
    const mark = w.beginLength();
    writeMessage(w, child, objectFromJson(value));
    w.endLength(mark);
  };
  if (field.label !== 'repeated') return writeOne;
  return (w, value) => {
    for (const v of listFromJson(value)) writeOne(w, v);
  };
}

interface MessageEncoder {
  fields: Field[];
  writers: FieldWriter[];
  names: Set<string>;
}

const compiled = new WeakMap<MessageType, MessageEncoder>();

function encoderFor(type: MessageType): MessageEncoder {
  let encoder = compiled.get(type);
  if (encoder === undefined) {
    encoder = {
      fields: type.fields,
      writers: type.fields.map((f) => (f.type.kind === 'message' ? messageFieldWriter(f, f.type.messageType) : scalarFieldWriter(f))),
      names: new Set(type.fields.map((f) => f.name)),
    };
    compiled.set(type, encoder);
  }
  return encoder;
}

function withPath<T>(name: string, action: () => T): T {
  try {
    return action();
  } catch (e) {
    if (e instanceof FieldValueError) e.path.unshift(name);
    throw e;
  }
}

function writeMessage(w: WireWriter, type: MessageType, message: Message, ignoredKey?: string): void {
  const { fields, writers, names } = encoderFor(type);
  for (const key of Object.keys(message)) {
    if (!names.has(key) && key !== ignoredKey) throw new FieldValueError(`unknown field '${key}' for ${type.name}`);
  }
  for (let i = 0; i < fields.length; i++) {
    const value = message[fields[i].name];
    if (value === undefined) {
      if (fields[i].label === 'required') throw new FieldValueError(`missing required field '${fields[i].name}' of ${type.name}`);
      continue;
    }
    withPath(fields[i].name, () => writers[i](w, value));
  }
  const unknown = message[UNKNOWN_FIELDS];
  if (unknown !== undefined) w.raw(unknown);
}

/**
 * Encodes a message from crit's JSON form (plain or pretty), writing exactly
 * the fields present, in field-number order, as protobuf's serializers do.
 * `ignoredKey` is a key that belongs to the image framing ("extra").
 */
export function encodeMessage(type: MessageType, message: Message, ignoredKey?: string): Buffer {
  const w = new WireWriter();
  writeMessage(w, type, message, ignoredKey);
  return w.finish();
}
