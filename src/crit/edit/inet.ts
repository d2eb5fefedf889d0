/**
 * Addresses and ports of inet sockets: the `isk` message of INETSK entries
 * in files.img, and the entries of a separate inetsk.img where an older
 * checkpoint has one. A TCP connection's tcp-stream image is named after the
 * socket's inode and holds no address, so it stays valid as it is.
 */
import { parseIpAddress } from '../../images/json/ip-address';
import type { Checkpoint, Entry } from '../../model';
import type { AddressEdit, AddressWords, PortEdit } from './plan';
import type { Tally } from './tally';

const ADDRESS_FIELDS = ['src_addr', 'dst_addr'] as const;
const PORT_FIELDS = ['src_port', 'dst_port'] as const;
const IPV4_WORDS = 1;

function isEntry(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every inet socket message of the checkpoint, as decoded entries. */
export function inetSockets(checkpoint: Checkpoint): Entry[] {
  const sockets: Entry[] = [];
  for (const file of checkpoint.files.values()) {
    if (file.kind === 'other' && file.type === 'INETSK' && isEntry(file.unmodeled?.isk)) sockets.push(file.unmodeled.isk);
  }
  for (const image of checkpoint.otherImages.values()) if (image.kind.name === 'INETSK') sockets.push(...image.entries);
  return sockets;
}

function sameWords(a: unknown, b: AddressWords): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((word, i) => word === b[i]);
}

/** The first three words of an IPv4-mapped IPv6 address (::ffff:a.b.c.d), as a dual-stack socket shows an IPv4 peer. */
const MAPPED_PREFIX = (parseIpAddress('::ffff:0.0.0.0') as number[]).slice(0, 3);

const mapped = (ipv4: AddressWords): AddressWords => [...MAPPED_PREFIX, ...ipv4];

/** Replaces every address field equal to `edit.from`, also in its IPv4-mapped form. */
export function editAddresses(sockets: readonly Entry[], edit: AddressEdit, tally: Tally): void {
  const pairs: [AddressWords, AddressWords][] = [[edit.from, edit.to]];
  if (edit.from.length === IPV4_WORDS) pairs.push([mapped(edit.from), mapped(edit.to)]);
  for (const socket of sockets) {
    for (const field of ADDRESS_FIELDS) {
      const pair = pairs.find(([from]) => sameWords(socket[field], from));
      if (pair === undefined) continue;
      socket[field] = [...pair[1]];
      tally.add(edit.label, 'socket address');
    }
  }
}

export function editPorts(sockets: readonly Entry[], edit: PortEdit, tally: Tally): void {
  for (const socket of sockets) {
    for (const field of PORT_FIELDS) {
      if (socket[field] !== edit.from) continue;
      socket[field] = edit.to;
      tally.add(edit.label, 'socket port');
    }
  }
}
