import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchesOf, totalBytes } from '../../src/dump/pages/batches';

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
