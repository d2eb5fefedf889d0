/** The edits `crit edit` was asked for, parsed and checked before any image is read. */
import { AmberError } from '../../errors';
import { parseIpAddress } from '../../images/json/ip-address';
import { asPid, type Pid } from '../../model';

/** An IP address as image fields hold it: 1 (IPv4) or 4 (IPv6) 32-bit words. */
export type AddressWords = readonly number[];

/** One OLD=NEW argument, kept as the user wrote it for messages. */
interface Replacement<T> {
  /** `--path /a=/b`, as it appears in reports and warnings. */
  label: string;
  from: T;
  to: T;
}

export interface AddressEdit extends Replacement<AddressWords> {
  /** The old address as text, to look for in text images. */
  fromText: string;
}
export type PortEdit = Replacement<number>;
/** Path prefixes without a trailing slash; the root directory is ''. */
export type PathEdit = Replacement<string>;

export interface CommEdit {
  label: string;
  pid: Pid;
  name: string;
}

export interface EditPlan {
  addresses: AddressEdit[];
  ports: PortEdit[];
  paths: PathEdit[];
  comms: CommEdit[];
}

/** TASK_COMM_LEN is 16 bytes with the terminating NUL (prctl(2) PR_SET_NAME). */
const MAX_COMM_BYTES = 15;
const MAX_PORT = 65535;

export function emptyPlan(): EditPlan {
  return { addresses: [], ports: [], paths: [], comms: [] };
}

function splitPair(option: string, value: string): [string, string, string] {
  const equals = value.indexOf('=');
  if (equals <= 0 || equals === value.length - 1) throw new AmberError(`crit edit: ${option} '${value}': expected OLD=NEW`);
  return [`${option} ${value}`, value.slice(0, equals), value.slice(equals + 1)];
}

export function parseAddressEdit(value: string): AddressEdit {
  const [label, fromText, toText] = splitPair('--inet-addr', value);
  const [from, to] = [fromText, toText].map((text) => {
    const words = parseIpAddress(text);
    if (words === undefined) throw new AmberError(`crit edit: ${label}: '${text}' is not an IPv4 or IPv6 address`);
    return words;
  });
  if (from.length !== to.length) throw new AmberError(`crit edit: ${label}: OLD and NEW must both be IPv4 or both IPv6`);
  return { label, from, to, fromText };
}

export function parsePortEdit(value: string): PortEdit {
  const [label, fromText, toText] = splitPair('--inet-port', value);
  const [from, to] = [fromText, toText].map((text) => {
    const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
    if (!(port >= 1 && port <= MAX_PORT)) throw new AmberError(`crit edit: ${label}: '${text}' is not a port (1-${MAX_PORT})`);
    return port;
  });
  return { label, from, to };
}

/** An absolute path without trailing slashes: '/' becomes '', so that prefix + '/' + rest always reads right. */
function pathPrefix(label: string, text: string): string {
  if (!text.startsWith('/')) throw new AmberError(`crit edit: ${label}: '${text}' is not an absolute path`);
  if (text.includes('\0')) throw new AmberError(`crit edit: ${label}: a path cannot hold a NUL byte`);
  return text.replace(/\/+$/, '');
}

export function parsePathEdit(value: string): PathEdit {
  const [label, fromText, toText] = splitPair('--path', value);
  return { label, from: pathPrefix(label, fromText), to: pathPrefix(label, toText) };
}

export function parseCommEdit(value: string): CommEdit {
  const [label, pidText, name] = splitPair('--comm', value);
  if (!/^[1-9]\d*$/.test(pidText)) throw new AmberError(`crit edit: ${label}: '${pidText}' is not a pid`);
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_COMM_BYTES) throw new AmberError(`crit edit: ${label}: the name is ${bytes} bytes long, the kernel keeps at most ${MAX_COMM_BYTES}`);
  if (name.includes('\0')) throw new AmberError(`crit edit: ${label}: a name cannot hold a NUL byte`);
  return { label, pid: asPid(Number(pidText)), name };
}
