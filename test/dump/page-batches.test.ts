import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunCursor, type FileRun } from '../../src/dump/pages/batches';
import { IOV_MAX } from '../../src/sys/constants';
import { RangeBatch } from '../../src/sys/vm';

const runs: FileRun[] = [
  {
    position: 0,
    ranges: [
      { addr: 0x1000n, len: 0x3000 },
      { addr: 0x10000n, len: 0x1000 },
    ],
  },
  { position: 0x9000, ranges: [{ addr: 0x20000n, len: 0x5000 }] },
];

/** Every batch of `runs` at `maxBytes`, as its file position and ranges. */
function walk(of: FileRun[], maxBytes: number): { position: number; ranges: { addr: number; len: number }[] }[] {
  const cursor = new RunCursor(of);
  const batch = new RangeBatch();
  const batches = [];
  while (!cursor.finished) {
    const position = cursor.next(batch, maxBytes);
    const ranges = Array.from({ length: batch.count }, (_, i) => ({ addr: batch.pairs[2 * i], len: batch.pairs[2 * i + 1] }));
    assert.equal(batch.bytes, ranges.reduce((sum, range) => sum + range.len, 0));
    batches.push({ position, ranges });
  }
  return batches;
}

test('batches keep the bytes in order, within the size limit and within one stretch of the file, at their file positions', () => {
  for (const maxBytes of [0x1000, 0x2000, 0x3000, 0x100000]) {
    const batches = walk(runs, maxBytes);
    assert.ok(batches.every((batch) => batch.ranges.reduce((sum, range) => sum + range.len, 0) <= maxBytes));
    // Each run's bytes, in order, and each batch where the one before it stopped within its run.
    const rebuilt: FileRun[] = [];
    for (const batch of batches) {
      const last = rebuilt[rebuilt.length - 1];
      const lastEnd = last === undefined ? -1 : last.position + last.ranges.reduce((sum, range) => sum + range.len, 0);
      const current = batch.position === lastEnd ? last! : { position: batch.position, ranges: [] };
      if (current !== last) rebuilt.push(current);
      for (const piece of batch.ranges) {
        const tail = current.ranges[current.ranges.length - 1];
        if (tail !== undefined && tail.addr + BigInt(tail.len) === BigInt(piece.addr)) tail.len += piece.len;
        else current.ranges.push({ addr: BigInt(piece.addr), len: piece.len });
      }
    }
    assert.deepEqual(rebuilt, runs);
  }
  // The second run starts a batch of its own although the first left room.
  assert.deepEqual(
    walk(runs, 0x100000).map((batch) => batch.position),
    [0, 0x9000],
  );
  // Runs back to back in the file share one.
  const adjoining = [runs[0], { ...runs[1], position: 0x4000 }];
  assert.deepEqual(
    walk(adjoining, 0x100000).map((batch) => [batch.position, batch.ranges.length]),
    [[0, 3]],
  );
});

test('a batch holds at most IOV_MAX ranges, the most process_vm_readv takes', () => {
  const many: FileRun[] = [{ position: 0, ranges: Array.from({ length: IOV_MAX + 5 }, (_, i) => ({ addr: BigInt(0x10000 + i * 0x2000), len: 0x1000 })) }];
  assert.deepEqual(
    walk(many, 1 << 30).map((batch) => [batch.position, batch.ranges.length]),
    [
      [0, IOV_MAX],
      [IOV_MAX * 0x1000, 5],
    ],
  );
});

test('a batch tells the task address of each of its bytes', () => {
  const batch = new RangeBatch();
  batch.add(0x1000, 0x2000);
  batch.add(0x8000, 0x1000);
  assert.equal(batch.addressAt(0), 0x1000);
  assert.equal(batch.addressAt(0x1800), 0x2800);
  assert.equal(batch.addressAt(0x2000), 0x8000);
  assert.equal(batch.addressAt(0x2fff), 0x8fff);
});

test('an address beyond user space is refused, not rounded', () => {
  assert.throws(() => new RunCursor([{ position: 0, ranges: [{ addr: 0xffffffffff600000n, len: 0x1000 }] }]), /beyond user space/);
});
