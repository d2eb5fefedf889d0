import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchesOf, piecesWithin, totalBytes, withoutFirst } from '../../src/dump/pages/batches';

const ranges = [
  { addr: 0x1000n, len: 0x3000 },
  { addr: 0x10000n, len: 0x1000 },
  { addr: 0x20000n, len: 0x5000 },
];

test('batches keep the bytes in order and stay within both limits', () => {
  for (const [maxBytes, maxRanges] of [
    [0x2000, Infinity],
    [0x100000, 2],
    [0x3000, 1],
  ]) {
    const batches = [...batchesOf(ranges, maxBytes, maxRanges)];
    assert.ok(batches.every((batch) => totalBytes(batch) <= maxBytes && batch.length <= maxRanges));
    const flat = batches.flat();
    assert.equal(totalBytes(flat), totalBytes(ranges));
    // Consecutive pieces of one range continue where the previous stopped.
    const merged = flat.reduce<typeof ranges>((all, piece) => {
      const last = all[all.length - 1];
      if (last !== undefined && last.addr + BigInt(last.len) === piece.addr) last.len += piece.len;
      else all.push({ ...piece });
      return all;
    }, []);
    assert.deepEqual(merged, ranges);
  }
});

test('withoutFirst drops whole ranges and cuts into the one it ends in', () => {
  assert.deepEqual(withoutFirst(ranges, 0), ranges);
  assert.deepEqual(withoutFirst(ranges, 0x4000), [ranges[2]]);
  assert.deepEqual(withoutFirst(ranges, 0x4800), [{ addr: 0x20800n, len: 0x4800 }]);
  assert.deepEqual(withoutFirst(ranges, 0x9000), []);
});

test('piecesWithin finds the parts of ranges inside an address span, with their offsets in the file', () => {
  assert.deepEqual(piecesWithin(ranges, 0x2000n, 0x22000n), [
    { range: { addr: 0x2000n, len: 0x2000 }, offset: 0x1000 },
    { range: { addr: 0x10000n, len: 0x1000 }, offset: 0x3000 },
    { range: { addr: 0x20000n, len: 0x2000 }, offset: 0x4000 },
  ]);
  assert.deepEqual(piecesWithin(ranges, 0x5000n, 0x10000n), []);
});
