/**
 * What an unlinked file held, whichever way its ghost image stores it: the
 * contents in one piece after the header, or (ghosts of some kilobytes and
 * more) a size and stretches of data at offsets, the holes between them
 * reading as zeros.
 */
import { bigInteger, bytes } from './codecs';
import { field, FieldError, fromEntry, type Modeled, type Rules } from './fields';
import type { GhostFile } from './shared';

export interface GhostStretch {
  offset: bigint;
  data: Buffer;
}

export interface GhostContents {
  size: bigint;
  stretches: GhostStretch[];
}

interface ChunkEntry extends GhostStretch, Modeled {
  length: bigint;
}

const chunkRules: Rules<ChunkEntry> = {
  length: field('len', bigInteger),
  offset: field('off', bigInteger),
  data: field('extra', bytes),
};

function stretchOf(chunk: GhostFile['chunks'][number]): GhostStretch {
  const { length, offset, data } = fromEntry(chunk, chunkRules);
  if (length !== BigInt(data.length)) throw new FieldError(`ghost chunk at ${offset}: len ${length} but ${data.length} bytes follow`);
  return { offset, data };
}

export function ghostContents(ghost: GhostFile): GhostContents {
  if (ghost.chunks.length === 0) {
    const data = ghost.contents ?? Buffer.alloc(0);
    return { size: BigInt(data.length), stretches: [{ offset: 0n, data }] };
  }
  const size = ghost.unmodeled?.size;
  if (size === undefined) throw new FieldError('a ghost stored in chunks has no size');
  return { size: bigInteger.read(size), stretches: ghost.chunks.map(stretchOf) };
}
