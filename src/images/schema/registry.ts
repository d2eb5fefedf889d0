import * as fs from 'node:fs';
import * as path from 'node:path';
import { AmberError } from '../../errors';
import { cachedDeclarations } from './cache';
import { parseProto } from './parse';
import type { EnumDecl, FieldDecl, FieldOptions, Label, MessageDecl, ProtoFile, ScalarType } from './types';

export interface EnumType {
  name: string;
  nameOf: Map<number, string>;
  numberOf: Map<string, number>;
}

export type FieldType =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'enum'; enumType: EnumType }
  | { kind: 'message'; messageType: MessageType };

export interface Field {
  name: string;
  number: number;
  label: Label;
  /** Repeated scalars written as one length-delimited run. */
  packed: boolean;
  options: FieldOptions;
  type: FieldType;
}

export interface MessageType {
  name: string;
  /** Sorted by field number: the order protobuf writes them and crit prints them. */
  fields: Field[];
}

const SCALARS = new Set<string>([
  'double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64',
  'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes',
]);

/** All message and enum types of a set of .proto files, with type names resolved. */
export class Schema {
  private readonly messages = new Map<string, MessageType>();
  private readonly enums = new Map<string, EnumType>();

  constructor(messageDecls: MessageDecl[], enumDecls: EnumDecl[]) {
    for (const decl of enumDecls) {
      this.enums.set(decl.fullName, {
        name: decl.fullName,
        nameOf: new Map(decl.values.map((v) => [v.number, v.name])),
        numberOf: new Map(decl.values.map((v) => [v.name, v.number])),
      });
    }
    for (const decl of messageDecls) this.messages.set(decl.fullName, { name: decl.fullName, fields: [] });
    for (const decl of messageDecls) {
      const message = this.messages.get(decl.fullName) as MessageType;
      message.fields = decl.fields.map((f) => this.resolveField(f, decl.fullName)).sort((a, b) => a.number - b.number);
    }
  }

  /** The message type called `name` (as declared, e.g. "core_entry"). */
  message(name: string): MessageType {
    const found = this.messages.get(name);
    if (found === undefined) throw new AmberError(`image schema: no message type '${name}' in proto/`);
    return found;
  }

  hasMessage(name: string): boolean {
    return this.messages.has(name);
  }

  private resolveField(decl: FieldDecl, scope: string): Field {
    return {
      name: decl.name,
      number: decl.number,
      label: decl.label,
      packed: decl.options.packed === true,
      options: decl.options,
      type: this.resolveType(decl.typeName, scope, decl.name),
    };
  }

  /** protobuf scoping: look in the field's message, then each enclosing scope outwards. */
  private resolveType(typeName: string, scope: string, fieldName: string): FieldType {
    if (SCALARS.has(typeName)) return { kind: 'scalar', scalar: typeName as ScalarType };
    const candidates = typeName.startsWith('.') ? [typeName.slice(1)] : enclosingScopes(scope).map((s) => (s ? `${s}.${typeName}` : typeName));
    for (const candidate of candidates) {
      const messageType = this.messages.get(candidate);
      if (messageType !== undefined) return { kind: 'message', messageType };
      const enumType = this.enums.get(candidate);
      if (enumType !== undefined) return { kind: 'enum', enumType };
    }
    throw new AmberError(`image schema: field ${scope}.${fieldName} has unknown type '${typeName}'`);
  }
}

function enclosingScopes(scope: string): string[] {
  const parts = scope.split('.');
  const scopes: string[] = [];
  for (let n = parts.length; n >= 0; n--) scopes.push(parts.slice(0, n).join('.'));
  return scopes;
}

/** Parses every .proto file of a directory into one schema. */
export function loadSchema(protoDir: string): Schema {
  const fileNames = fs.readdirSync(protoDir).filter((f) => f.endsWith('.proto')).sort();
  const { messages, enums } = cachedDeclarations(protoDir, fileNames, () => {
    const all: ProtoFile = { messages: [], enums: [] };
    for (const fileName of fileNames) {
      const parsed = parseProto(fs.readFileSync(path.join(protoDir, fileName), 'utf8'), fileName);
      all.messages.push(...parsed.messages);
      all.enums.push(...parsed.enums);
    }
    return all;
  });
  return new Schema(messages, enums);
}

/** The package root: the nearest directory above this module holding package.json and proto/. */
function findProtoDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'proto');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new AmberError(`image schema: cannot find the proto/ directory above ${__dirname}`);
  }
}

let imageSchema: Schema | undefined;

/** amber's schema of CRIU's images, loaded once from the package's proto/ directory. */
export function criuSchema(): Schema {
  imageSchema ??= loadSchema(findProtoDir());
  return imageSchema;
}
