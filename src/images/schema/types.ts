/** The protobuf scalar types CRIU's schema uses (proto2). */
export type ScalarType =
  | 'double'
  | 'float'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes';

export type Label = 'required' | 'optional' | 'repeated';

/** Field options: protobuf's own (`packed`, `default`) and CRIU's `(criu).*` display hints. */
export interface FieldOptions {
  packed?: boolean;
  default?: string;
  /** Print as "0x..." in pretty JSON; inherited by every field of a message marked so. */
  hex?: boolean;
  /** A repeated uint32 holding an IPv4 (1 word) or IPv6 (4 words) address in network order. */
  ipadd?: boolean;
  /** Name of a flag table ("mmap.prot", ...) used to print the value as "A | B". */
  flags?: string;
  /** A device number packed the kernel's way (major << 20 | minor). */
  dev?: boolean;
  /** With `dev`: packed the old glibc way (makedev). */
  odev?: boolean;
  /** Name of a value table ("gen", "sk") that gives some numbers a name. */
  dict?: string;
  /** A custom text conversion for bytes ("unix_name": quoted-printable). */
  conv?: string;
}

/** A field as written in a .proto file, before type names are resolved. */
export interface FieldDecl {
  name: string;
  number: number;
  label: Label;
  typeName: string;
  options: FieldOptions;
}

export interface EnumDecl {
  /** Fully qualified name, dot separated ("core_entry.march"). */
  fullName: string;
  values: { name: string; number: number }[];
}

export interface MessageDecl {
  fullName: string;
  fields: FieldDecl[];
}

/** Everything one .proto file declares, with names qualified by its package. */
export interface ProtoFile {
  messages: MessageDecl[];
  enums: EnumDecl[];
}
