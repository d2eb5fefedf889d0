import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pid } from '../../src/sys/types';
import { RangeBatch, readBatchInto, readTaskMemory, writeTaskMemory, type MemoryRange } from '../../src/sys/vm';
import { buildProgram, firstLine, withChild } from './children';

const program = buildProgram('known-string');

/** Runs `body` with the known-string program and the range of its string. */
async function withKnownString(body: (pid: Pid, range: MemoryRange) => void): Promise<void> {
  await withChild(program, [], async (pid, child) => {
    const [address, length] = (await firstLine(child)).split(' ');
    body(pid, { addr: BigInt(address), len: Number(length) });
  });
}

/** An address that no x86_64 user process has mapped (below mmap_min_addr). */
const UNMAPPED = 0x1000n;

test('reads a known string from another process', async () => {
  await withKnownString((pid, range) => {
    assert.equal(readTaskMemory(pid, [range]).toString(), 'amber reads this string');
  });
});

test('splits more than IOV_MAX ranges over several calls', async () => {
  await withKnownString((pid, range) => {
    const bytes = Array.from({ length: 3000 }, (_, i) => ({ addr: range.addr + BigInt(i % range.len), len: 1 }));
    const expected = Buffer.from(Array.from({ length: 3000 }, (_, i) => 'amber reads this string'.charCodeAt(i % range.len)));
    assert.deepEqual(readTaskMemory(pid, bytes), expected);
  });
});

test('writes memory of another process', async () => {
  await withKnownString((pid, range) => {
    assert.deepEqual(writeTaskMemory(pid, [{ addr: range.addr, len: 5 }], Buffer.from('AMBER')), { bytes: 5, stoppedAt: null });
    assert.equal(readTaskMemory(pid, [range]).toString(), 'AMBER reads this string');
  });
});

test('an unreadable range fails readTaskMemory with its address', async () => {
  await withKnownString((pid, range) => {
    assert.throws(() => readTaskMemory(pid, [range, { addr: UNMAPPED, len: 8 }]), /cannot read memory at 0x1000 \(8 bytes\)/);
  });
});

test('a range batch reads its ranges back to back, and stops at an unreadable one', async () => {
  await withKnownString((pid, range) => {
    const batch = new RangeBatch();
    const target = Buffer.alloc(64);
    batch.add(Number(range.addr) + 6, 5);
    batch.add(Number(range.addr), 5);
    assert.equal(readBatchInto(pid, batch, target), 10);
    assert.equal(target.subarray(0, 10).toString(), 'readsamber');
    batch.add(Number(UNMAPPED), 8);
    assert.equal(readBatchInto(pid, batch, target), 10);
    assert.equal(batch.addressAt(10), Number(UNMAPPED));
    batch.clear();
    batch.add(Number(UNMAPPED), 8);
    assert.equal(readBatchInto(pid, batch, target), 0);
  });
});
