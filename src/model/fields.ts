/**
 * The mapping between model objects and image entries. A model type lists,
 * field by field, where its value lives in the entry and how it converts; an
 * entry field no rule names stays in the object's `unmodeled` remainder, so
 * writing the model back loses nothing the model does not describe.
 */
import { UNKNOWN_FIELDS, type Message } from '../images';

/** One decoded image entry, in the images API's plain JSON form. */
export type Entry = Message;

/** A model object that came from (or becomes) one entry. */
export interface Modeled {
  /** The entry's fields that the model does not describe, kept so that writing gives back the same bytes. */
  unmodeled?: Entry;
}

/** A field whose value the model cannot take; `path` is filled in on the way out. */
export class FieldError extends Error {
  readonly path: string[] = [];
}

/** Converts one entry field to a model value and back; `write` returning undefined leaves the field out. */
export interface Codec<T> {
  read(value: unknown): T;
  write(value: T): unknown;
}

type Path = readonly string[];

interface LeafRule<T> {
  path: Path;
  codec: Codec<T>;
}

/** A model object whose fields sit in a sub-message; the sub-message keeps whatever the rules do not take. */
interface GroupRule<T> {
  path: Path;
  rules: Rules<NonNullable<T>>;
  optional: boolean;
}

export type Rule<T> = LeafRule<T> | GroupRule<T>;

/** Where each field of model type T lives in its entry. */
export type Rules<T> = { readonly [K in keyof T as K extends 'unmodeled' ? never : K]-?: Rule<T[K]> };

const splitPath = (path: string): Path => path.split('.');

/** The model value of the entry field at `path` (dotted for sub-messages). */
export function field<T>(path: string, codec: Codec<T>): Rule<T> {
  return { path: splitPath(path), codec };
}

/** A model object made of the fields of the sub-message at `path`, which must be present. */
export function group<T>(path: string, rules: Rules<T>): Rule<T> {
  return { path: splitPath(path), rules: rules as Rules<NonNullable<T>>, optional: false };
}

/** A model object made of some fields of the same message. */
export function inline<T>(rules: Rules<T>): Rule<T> {
  return { path: [], rules: rules as Rules<NonNullable<T>>, optional: false };
}

/** Like `group`, but undefined when the entry has no such sub-message. */
export function optionalGroup<T>(path: string, rules: Rules<T>): Rule<T | undefined> {
  return { path: splitPath(path), rules: rules as Rules<NonNullable<T | undefined>>, optional: true };
}

/** The same rules for fields that sit inside the sub-message `path`. */
export function within<T>(path: string, rules: Rules<T>): Rules<T> {
  const prefix = splitPath(path);
  const entries = Object.entries(rules) as [string, Rule<unknown>][];
  return Object.fromEntries(entries.map(([name, rule]) => [name, { ...rule, path: [...prefix, ...rule.path] }])) as unknown as Rules<T>;
}

function isRecord(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** A deep copy of an entry that keeps its unknown wire fields. */
export function cloneEntry(entry: Entry): Entry {
  const copy: Entry = {};
  for (const [key, value] of Object.entries(entry)) copy[key] = cloneValue(value);
  const unknown = entry[UNKNOWN_FIELDS];
  if (unknown !== undefined) copy[UNKNOWN_FIELDS] = unknown;
  return copy;
}

function cloneValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneValue);
  return isRecord(value) ? cloneEntry(value) : value;
}

/** True for an entry with no fields at all, known or unknown. */
export function isEmptyEntry(entry: Entry): boolean {
  return Object.keys(entry).length === 0 && entry[UNKNOWN_FIELDS] === undefined;
}

function withPath<T>(name: string, action: () => T): T {
  try {
    return action();
  } catch (e) {
    if (e instanceof FieldError && name !== '') e.path.unshift(name);
    throw e;
  }
}

function parentOf(entry: Entry, path: Path, create: boolean): Entry | undefined {
  let node = entry;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (isRecord(next)) node = next;
    else if (create && next === undefined) node = node[key] = {};
    else if (next === undefined) return undefined;
    else throw new FieldError(`${key} is not a message`);
  }
  return node;
}

const lastKey = (path: Path): string => path[path.length - 1];

function isGroup<T>(rule: Rule<T>): rule is GroupRule<T> {
  return 'rules' in rule;
}

function readRule<T>(source: Entry, rule: Rule<T>): T {
  if (isGroup(rule) && rule.path.length === 0) return readRules(source, rule.rules);
  const parent = parentOf(source, rule.path, false);
  const key = lastKey(rule.path);
  const value = parent?.[key];
  if (!isGroup(rule)) {
    if (parent !== undefined) delete parent[key];
    return rule.codec.read(value);
  }
  if (value === undefined) {
    if (rule.optional) return undefined as T;
    throw new FieldError('missing');
  }
  if (!isRecord(value)) throw new FieldError('is not a message');
  const result = readRules(value, rule.rules);
  // Writing the group back creates the sub-message again, so an emptied one says nothing more.
  if (isEmptyEntry(value)) delete parent![key];
  return result;
}

function writeRule<T>(target: Entry, rule: Rule<T>, value: T): void {
  const key = lastKey(rule.path);
  if (!isGroup(rule)) {
    const written = rule.codec.write(value);
    if (written !== undefined) parentOf(target, rule.path, true)![key] = written;
    return;
  }
  if (value === undefined) return;
  if (rule.path.length === 0) return writeRules(target, rule.rules, value as NonNullable<T>);
  const parent = parentOf(target, rule.path, true)!;
  const existing = parent[key];
  const sub = isRecord(existing) ? existing : (parent[key] = {});
  writeRules(sub, rule.rules, value as NonNullable<T>);
}

/** Takes the fields `rules` name out of `source` (which keeps the rest) and returns the model value. */
function readRules<T>(source: Entry, rules: Rules<T>): T {
  const value: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(rules) as [string, Rule<unknown>][]) {
    value[name] = withPath(rule.path.join('.'), () => readRule(source, rule));
  }
  return value as T;
}

/** Puts the fields of `value` into `target` where `rules` say. */
function writeRules<T>(target: Entry, rules: Rules<T>, value: T): void {
  for (const [name, rule] of Object.entries(rules) as [string, Rule<unknown>][]) {
    withPath(rule.path.join('.'), () => writeRule(target, rule, (value as Record<string, unknown>)[name]));
  }
}

/** The model object of one entry; what the rules leave becomes its `unmodeled` remainder. */
export function fromEntry<T extends Modeled>(entry: Entry, rules: Rules<T>): T {
  const rest = cloneEntry(entry);
  const value = readRules(rest, rules);
  if (!isEmptyEntry(rest)) value.unmodeled = rest;
  return value;
}

/**
 * The entry of one model object: its remainder with the modeled fields put
 * back. `defaults` fill required fields the model does not describe when
 * the object has no remainder for them (a model built rather than read).
 */
export function toEntry<T extends Modeled>(value: T, rules: Rules<T>, defaults: Entry = {}): Entry {
  const entry = { ...cloneEntry(defaults), ...cloneEntry(value.unmodeled ?? {}) };
  writeRules(entry, rules, value);
  return entry;
}

/** A list of sub-messages, each one a model object with its own remainder (see toEntry for `defaults`). */
export function messages<T extends Modeled>(rules: Rules<T>, defaults: Entry = {}): Codec<T[]> {
  return {
    read: (value) => listValues(value).map((item, i) => withPath(String(i), () => fromEntry(asEntry(item), rules))),
    write: (items) => (items.length === 0 ? undefined : items.map((item) => toEntry(item, rules, defaults))),
  };
}

function asEntry(value: unknown): Entry {
  if (!isRecord(value)) throw new FieldError('is not a message');
  return value;
}

/** A repeated field's values: protobuf does not tell an empty list from a missing one. */
export function listValues(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new FieldError('is not a list');
  return value;
}
