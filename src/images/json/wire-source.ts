import { WireType, type WireReader } from '../wire/reader';
import type { ValueReader } from '../codec/decode';
import type { JsonOut } from './render';

/** Thrown by a compiled renderer given a wire form it does not take, or a value it cannot show. */
export const FALL_BACK: unique symbol = Symbol('decode this message into an object');

/** Writes the message in `reader.pos..reader.end`. */
export type WireRender = (reader: WireReader, out: JsonOut) => void;

/**
 * How the compiled code writes a field's values: a plain number it writes
 * itself, as `read` gives it; a nested message, by that type's renderer
 * (compiled on first use: types may refer to each other); anything else
 * by the field's own `writeOne`.
 */
type FieldValue = { value: 'number'; read: ValueReader } | { value: 'message'; nested: () => WireRender } | { value: 'other'; writeOne: WireRender };

/** One field of a message type, as its compiled renderer reads and writes it. */
export type WireField = FieldValue & {
  number: number;
  repeated: boolean;
  /** The wire type of one value; packable fields also take runs of values as one length-delimited record. */
  wireType: WireType;
  packable: boolean;
  /** The separator and key when the field comes first, and when it follows another, as ASCII bytes. */
  firstKey: Buffer;
  laterKey: Buffer;
};

/** What goes around a message's fields and the items of its lists, as ASCII bytes. */
export interface WireLayout {
  closeMessage: Buffer;
  firstItem: Buffer;
  laterItem: Buffer;
  closeList: Buffer;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function tag(number: number, wireType: WireType): number {
  return number * 8 + wireType;
}

/** Statements that write `prefix` (an expression), then read one value of field `i` and write it. */
function valueCode(field: WireField, i: number, prefix: string): string {
  switch (field.value) {
    case 'number':
      return `out.numberAfter(${prefix}, read${i}(r));`;
    case 'message':
      return `out.copy(${prefix}); { const outerEnd = r.enter(r.lengthDelimitedEnd()); (nested${i} ??= fields[${i}].nested())(r, out); r.leave(outerEnd); }`;
    case 'other':
      return `out.copy(${prefix}); writeOne${i}(r, out);`;
  }
}

/** Closes the list of the field written before, if it is one. */
const CLOSE_LIST = `if (items > 0) out.copy(around.closeList); else if (items === 0) out.byte(${CLOSE_BRACKET});`;

const KEY = (i: number): string => `previous === 0 ? firstKey${i} : laterKey${i}`;

/** Statements that start field `i` (a list's key and bracket are written here, a single value's key with the value). */
function startCode(field: WireField, i: number, hasLists: boolean): string {
  const close = hasLists ? CLOSE_LIST : '';
  if (field.repeated) return `${close} out.copy(${KEY(i)}); out.byte(${OPEN_BRACKET}); previous = ${field.number}; items = 0;`;
  return hasLists ? `${close} items = -1;` : '';
}

/** The switch cases for field `i`: its values one by one, and, for packable fields, in packed runs. */
function fieldCases(field: WireField, i: number, hasLists: boolean): string[] {
  const n = field.number;
  if (!field.repeated) {
    const write = `const key = ${KEY(i)}; previous = ${n}; ${valueCode(field, i, 'key')}`;
    return [`case ${tag(n, field.wireType)}: { if (previous >= ${n}) throw FALL_BACK; ${startCode(field, i, hasLists)} ${write} break; }`];
  }
  const start = `if (previous !== ${n}) { if (previous > ${n}) throw FALL_BACK; ${startCode(field, i, true)} }`;
  const item = valueCode(field, i, 'items++ === 0 ? around.firstItem : around.laterItem');
  const one = `case ${tag(n, field.wireType)}: ${start} ${item} break;`;
  if (!field.packable) return [one];
  const run = `{ const end = r.lengthDelimitedEnd(); const outerEnd = r.end; r.end = end; while (r.pos < end) { ${item} } r.end = outerEnd; }`;
  return [one, `case ${tag(n, WireType.LengthDelimited)}: ${start} ${run} break;`];
}

/** Constants the renderer of field `i` uses, taken out of `fields` once. */
function fieldConstants(field: WireField, i: number): string {
  const constants = [`firstKey${i} = fields[${i}].firstKey`, `laterKey${i} = fields[${i}].laterKey`];
  if (field.value === 'number') constants.push(`read${i} = fields[${i}].read`);
  if (field.value === 'other') constants.push(`writeOne${i} = fields[${i}].writeOne`);
  return `const ${constants.join(', ')};${field.value === 'message' ? ` let nested${i};` : ''}`;
}

/** The source of a function of (FALL_BACK, fields, around) that returns the renderer of one message type. */
function rendererSource(name: string, fields: readonly WireField[]): string {
  const hasLists = fields.some((f) => f.repeated);
  return `'use strict';
${fields.map(fieldConstants).join('\n')}
return function render_${name.replace(/\W/g, '_')}(r, out) {
  out.byte(${OPEN_BRACE});
  let previous = 0;
  ${hasLists ? 'let items = -1;' : ''}
  while (r.pos < r.end) {
    const tag = r.uint32();
    switch (tag) {
      ${fields.flatMap((field, i) => fieldCases(field, i, hasLists)).join('\n      ')}
      default:
        // Unknown to the schema, or in a wire type the field cannot have: crit leaves it out.
        if (tag < 8) throw FALL_BACK;
        r.skip(tag & 7);
    }
  }
  ${hasLists ? CLOSE_LIST : ''}
  if (previous === 0) out.byte(${CLOSE_BRACE}); else out.copy(around.closeMessage);
};`;
}

type RendererFactory = (fallBack: typeof FALL_BACK, fields: readonly WireField[], around: WireLayout) => WireRender;

/**
 * The renderer of message type `name`, compiled into a switch over the
 * tags of its fields: each type gets code of its own, which the JavaScript
 * engine specialises and inlines into; one loop over a table of fields,
 * shared by all types, runs much slower.
 */
export function compileRenderer(name: string, fields: readonly WireField[], around: WireLayout): WireRender {
  const make = new Function('FALL_BACK', 'fields', 'around', rendererSource(name, fields)) as RendererFactory;
  return make(FALL_BACK, fields, around);
}
