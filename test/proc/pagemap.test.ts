import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { readMaps } from '../../src/proc/maps';
import { decodePagemapEntry, PAGE_SIZE, PagemapFile, pageRuns, readPagemap } from '../../src/proc/pagemap';
import { assertParseError, made, ownPid, sampleBytes } from './sample';

const PRESENT = 1n << 63n;
const SWAPPED = 1n << 62n;
const FILE_PAGE = 1n << 61n;
const EXCLUSIVE = 1n << 56n;
const SOFT_DIRTY = 1n << 55n;

function pagemapOf(entries: bigint[]): Buffer {
  const buffer = Buffer.alloc(entries.length * 8);
  entries.forEach((entry, i) => buffer.writeBigUInt64LE(entry, i * 8));
  return buffer;
}

test('pagemap sample: the written pages of the 16-page mapping, as runs', () => {
  const start = BigInt(made('mapped-pages'));
  const runs = pageRuns(sampleBytes('pagemap'), start);
  assert.deepEqual(
    runs.map((run) => [run.firstPage, run.pageCount, run.address]),
    [
      [0, 3, start],
      [5, 2, start + 5n * PAGE_SIZE],
      [15, 1, start + 15n * PAGE_SIZE],
    ],
  );
  for (const run of runs) {
    assert.deepEqual(run.flags, {
      present: true,
      swapped: false,
      fileOrSharedAnon: false,
      guard: false,
      uffdWriteProtected: false,
      exclusive: true,
      softDirty: false,
    });
  }
});

test('pagemap: entries decode to flags, PFN or swap location', () => {
  const present = decodePagemapEntry(PRESENT | EXCLUSIVE | 0x12345n);
  assert.deepEqual([present.present, present.exclusive, present.pfn, present.swapped], [true, true, 0x12345n, false]);
  const swapped = decodePagemapEntry(SWAPPED | SOFT_DIRTY | (0x1234n << 5n) | 3n);
  assert.deepEqual([swapped.swapped, swapped.softDirty, swapped.swapType, swapped.swapOffset, swapped.pfn], [true, true, 3, 0x1234n, 0n]);
  const file = decodePagemapEntry(PRESENT | FILE_PAGE | (1n << 57n) | (1n << 58n));
  assert.deepEqual([file.fileOrSharedAnon, file.uffdWriteProtected, file.guard, file.exclusive], [true, true, true, false]);
});

test('pagemap: runs split where the flags change and skip absent pages', () => {
  const buffer = pagemapOf([PRESENT | 1n, PRESENT | 2n, PRESENT | FILE_PAGE | 3n, 0n, SWAPPED | 9n, SWAPPED | 10n, PRESENT | SOFT_DIRTY]);
  const runs = pageRuns(buffer, 0x10000n);
  assert.deepEqual(
    runs.map((run) => [run.firstPage, run.pageCount, run.flags.present, run.flags.swapped, run.flags.fileOrSharedAnon, run.flags.softDirty]),
    [
      [0, 2, true, false, false, false],
      [2, 1, true, false, true, false],
      [4, 2, false, true, false, false],
      [6, 1, true, false, false, true],
    ],
  );
  // a buffer that does not start on a 4-byte boundary decodes the same
  const unaligned = Buffer.alloc(buffer.length + 1).subarray(1);
  buffer.copy(unaligned);
  assert.deepEqual(pageRuns(unaligned, 0x10000n), runs);
});

test('pagemap: one million entries turn into runs quickly', (t) => {
  const pages = 1 << 20;
  const buffer = Buffer.alloc(pages * 8);
  // runs of 1 to 7 present pages between holes of 3
  for (let page = 0; page < pages; page++) if (page % 10 < 1 + (page % 7)) buffer.writeUInt32LE(0x81000000, page * 8 + 4);
  const began = process.hrtime.bigint();
  const runs = pageRuns(buffer, 0n);
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  t.diagnostic(`pageRuns: ${pages} entries, ${runs.length} runs in ${ms.toFixed(1)} ms`);
  const counted = runs.reduce((sum, run) => sum + run.pageCount, 0);
  let expected = 0;
  for (let page = 0; page < pages; page++) if (page % 10 < 1 + (page % 7)) expected++;
  assert.equal(counted, expected);
  assert.ok(ms < 500, `took ${ms} ms`);
});

test('pagemap: bad sizes and ranges fail with one line', () => {
  assertParseError(() => pageRuns(Buffer.alloc(12), 0n), 'pagemap: 12 bytes');
  const file = PagemapFile.open(ownPid);
  try {
    assertParseError(() => file.read(0x1001n, 0x3000n), `/proc/${process.pid}/pagemap: range 0x1001-0x3000`);
  } finally {
    file.close();
  }
});

test('pagemap live: the stack of this process has present pages', () => {
  const stack = readMaps(ownPid).find((vma) => vma.kind === 'stack');
  assert.ok(stack !== undefined);
  const entries = readPagemap(ownPid, stack.start, stack.end);
  assert.equal(entries.length, Number((stack.end - stack.start) / PAGE_SIZE) * 8);
  const runs = pageRuns(entries, stack.start);
  assert.ok(runs.some((run) => run.flags.present && run.address + BigInt(run.pageCount) * PAGE_SIZE === stack.end));
});
