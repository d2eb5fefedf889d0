/**
 * TCP/UDP sockets (INETSK files), which the model keeps as unmodeled
 * entries: the few fields the report shows, read from the inet_sk message.
 */
import { formatIpAddress } from '../../images/json/ip-address';
import type { OtherFile } from '../../model';

export interface InetSocket {
  family: number;
  type: number;
  protocol: number;
  state: number;
  local: string;
  remote: string;
}

const numberField = (message: Record<string, unknown>, name: string): number => (typeof message[name] === 'number' ? message[name] : 0);

/** The words of ::ffff:0:0/96, an IPv4 address mapped into IPv6 (RFC 4291 2.5.5.2): its last word is the IPv4 address. */
const V4_MAPPED = [0, 0, 0xffff0000];

function addressText(words: readonly number[]): string {
  const mapped = words.length === 4 && V4_MAPPED.every((word, i) => words[i] === word);
  return mapped ? `::ffff:${formatIpAddress(words.slice(3))}` : formatIpAddress(words);
}

function endpoint(message: Record<string, unknown>, addressField: string, portField: string): string {
  const words = message[addressField];
  const address = Array.isArray(words) && words.length > 0 && words.every((word) => typeof word === 'number') ? addressText(words) : '*';
  const port = numberField(message, portField);
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The inet view of a file, or undefined when it is not an inet socket. */
export function inetSocketOf(file: OtherFile): InetSocket | undefined {
  const message = file.unmodeled?.isk;
  if (file.type !== 'INETSK' || typeof message !== 'object' || message === null) return undefined;
  const fields = message as Record<string, unknown>;
  return {
    family: numberField(fields, 'family'),
    type: numberField(fields, 'type'),
    protocol: numberField(fields, 'proto'),
    state: numberField(fields, 'state'),
    local: endpoint(fields, 'src_addr', 'src_port'),
    remote: endpoint(fields, 'dst_addr', 'dst_port'),
  };
}
