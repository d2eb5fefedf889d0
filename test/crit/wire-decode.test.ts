import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { critJsonOf, decodeImage, encodeImage, toCritJson } from '../../src/images';
import { imagePaths, workloads } from './fixtures';
import { Random, mutations } from './mutate';

/**
 * `crit decode` renders entries straight from their protobuf bytes, and
 * decodes into objects only the messages in an unusual wire form. Both ways
 * must give the same text, and bad input the same error.
 */

/** The text, or the message of what was thrown. */
function outcome(decode: () => string): string {
  try {
    return decode();
  } catch (e) {
    return `error: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function bothWays(bytes: Buffer, name: string, pretty: boolean): { fromWire: string; fromObjects: string } {
  return {
    fromWire: outcome(() => critJsonOf(bytes, name, { pretty })),
    fromObjects: outcome(() => toCritJson(decodeImage(bytes, name), { pretty })),
  };
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  for (; value >= 0x80; value >>>= 7) bytes.push((value & 0x7f) | 0x80);
  return [...bytes, value];
}

/** A protobuf varint field. */
function field(number: number, value: number): number[] {
  return [...varint(number * 8), ...varint(value)];
}

/** A pstree.img whose one entry is the message `fields`, however they are laid out. */
function pstreeImage(...fields: number[][]): Buffer {
  const message = Buffer.from(fields.flat());
  const header = encodeImage({ magic: 'PSTREE', entries: [] }, 'pstree.img');
  const size = Buffer.alloc(4);
  size.writeUInt32LE(message.length);
  return Buffer.concat([header, size, message]);
}

/** pstree_entry: pid 1, ppid 2, pgid 3, sid 4, repeated threads 5. */
const PID = 1;
const PPID = 2;
const THREADS = 5;

describe('crit decode straight from the wire', () => {
  it("gives crit's text for every fixture image, plain and pretty", () => {
    for (const image of workloads().flatMap(imagePaths)) {
      const bytes = fs.readFileSync(image);
      assert.equal(critJsonOf(bytes, image, { pretty: true }), fs.readFileSync(`${image}.json`, 'utf8'), image);
      const plain = `${image}.plain.json`;
      if (fs.existsSync(plain)) assert.equal(critJsonOf(bytes, image, { pretty: false }), fs.readFileSync(plain, 'utf8'), image);
    }
  });

  it('orders fields, merges repeated values and keeps the last of a repeated singular field, as protobuf says', () => {
    const layouts: Record<string, number[][]> = {
      'fields out of order': [field(PPID, 2), field(PID, 9)],
      'a singular field twice': [field(PID, 1), field(PID, 7), field(PPID, 2)],
      'a repeated field split by another': [field(PID, 1), field(THREADS, 10), field(PPID, 2), field(THREADS, 11)],
      'an unknown field among known ones': [field(PID, 1), field(99, 5), field(THREADS, 10), field(98, 1), field(THREADS, 11)],
    };
    for (const [name, fields] of Object.entries(layouts)) {
      for (const pretty of [false, true]) {
        const { fromWire, fromObjects } = bothWays(pstreeImage(...fields), 'pstree.img', pretty);
        assert.equal(fromWire, fromObjects, name);
        assert.doesNotMatch(fromWire, /^error/, name);
      }
    }
    assert.match(critJsonOf(pstreeImage(field(PPID, 2), field(PID, 9)), 'pstree.img', { pretty: false }), /\{"pid": 9, "ppid": 2\}/);
    assert.match(critJsonOf(pstreeImage(field(PID, 1), field(PID, 7)), 'pstree.img', { pretty: false }), /\{"pid": 7\}/);
  });

  it('ends alike for damaged images: the same text or the same error', () => {
    const random = new Random(0x77697265);
    const images = workloads().flatMap(imagePaths).map((file) => ({ name: path.basename(file), bytes: fs.readFileSync(file) }));
    let cases = 0;
    for (const image of images) {
      for (const [mutation, mutate] of Object.entries(mutations)) {
        for (let round = 0; round < 8; round++) {
          const bytes = mutate(image.bytes, random, random.pick(images).bytes);
          const { fromWire, fromObjects } = bothWays(bytes, image.name, round % 2 === 1);
          assert.equal(fromWire, fromObjects, `${mutation} #${round} of ${image.name}`);
          cases++;
        }
      }
    }
    assert.ok(cases > 1000, `${cases} cases`);
  });
});
