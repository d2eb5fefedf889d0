/**
 * Raw images (`ip addr save` and `ip route save` netlink dumps, conntrack
 * tables, iptables and nft rule text) can hold addresses too. amber does not
 * rewrite them; it only says which ones mention an address being changed.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Checkpoint } from '../../model';
import type { AddressEdit, AddressWords } from './plan';

/** Page contents hold arbitrary bytes and tarballs are compressed: a match there means nothing. */
const NOT_SEARCHED = /^pages-|\.tar\.gz$/;

/** The address in network byte order, as netlink attributes carry it. */
function addressBytes(words: AddressWords): Buffer {
  const bytes = Buffer.alloc(words.length * 4);
  words.forEach((word, i) => bytes.writeUInt32LE(word, i * 4));
  return bytes;
}

/** One warning per raw image and old address found in it. */
export async function rawImageWarnings(checkpoint: Checkpoint, edits: readonly AddressEdit[]): Promise<string[]> {
  const warnings: string[] = [];
  if (edits.length === 0) return warnings;
  const { directory, names } = checkpoint.rawImages;
  for (const name of names.filter((candidate) => !NOT_SEARCHED.test(candidate))) {
    const contents = await fsp.readFile(path.join(directory, name));
    for (const edit of edits) {
      if (contents.includes(addressBytes(edit.from)) || contents.includes(edit.fromText)) {
        warnings.push(`${name} is a raw image that mentions ${edit.fromText}; amber leaves raw images as they are (${edit.label})`);
      }
    }
  }
  return warnings;
}
