/**
 * Deterministic damage to image files for fuzzing: a seeded generator and
 * the mutations a broken disk, a bad copy or a hostile file would cause.
 */

/** mulberry32: a small seeded generator, good enough to pick offsets. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)] as T;
  }
}

/** Where each `[u32 size][message]` entry starts, walking the plain framing after the magic. */
function entryOffsets(image: Buffer): number[] {
  const offsets: number[] = [];
  let at = headerLength(image);
  while (at + 4 <= image.length) {
    offsets.push(at);
    at += 4 + image.readUInt32LE(at);
  }
  return offsets;
}

/** Images start with the common (or service) magic and then their own; inventory.img has its own only. */
const LEADING_MAGICS = new Set([0x54564319, 0x55105940]);

function headerLength(image: Buffer): number {
  return image.length >= 4 && LEADING_MAGICS.has(image.readUInt32LE(0)) ? 8 : 4;
}

type Mutation = (image: Buffer, random: Random, other: Buffer) => Buffer;

export const mutations: Readonly<Record<string, Mutation>> = {
  bitFlips(image, random) {
    const copy = Buffer.from(image);
    for (let n = 1 + random.below(4); n > 0 && copy.length > 0; n--) {
      copy[random.below(copy.length)]! ^= 1 << random.below(8);
    }
    return copy;
  },
  byteChange(image, random) {
    const copy = Buffer.from(image);
    if (copy.length > 0) copy[random.below(copy.length)] = random.pick([0x00, 0x7f, 0x80, 0xff, random.below(256)]);
    return copy;
  },
  truncation(image, random) {
    return image.subarray(0, random.below(image.length + 1));
  },
  splice(image, random, other) {
    return Buffer.concat([image.subarray(0, random.below(image.length + 1)), other.subarray(random.below(other.length + 1))]);
  },
  hugeSize(image, random) {
    const copy = Buffer.from(image);
    const offsets = entryOffsets(copy);
    if (offsets.length > 0) copy.writeUInt32LE(random.pick([0xffffffff, 0x7fffffff, 0x80000000, 0x10000000]), random.pick(offsets));
    return copy;
  },
  longVarint(image, random) {
    const copy = Buffer.from(image);
    const start = random.below(copy.length + 1);
    copy.fill(0xff, start, Math.min(copy.length, start + 1 + random.below(16)));
    return copy;
  },
};
