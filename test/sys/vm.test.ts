import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { MAP_SHARED, MFD_CLOEXEC, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../../src/sys/constants';
import { close, memfdCreate } from '../../src/sys/fd';
import type { Pid } from '../../src/sys/types';
import {
  mapFile,
  readTaskMemory,
  readTaskMemoryIntoFile,
  unmapFile,
  writeTaskMemory,
  type MemoryRange,
} from '../../src/sys/vm';
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

test('copies task memory into a file at an unaligned offset and reports where it stopped', async () => {
  await withKnownString((pid, range) => {
    const fd = memfdCreate('pages', MFD_CLOEXEC);
    try {
      const result = readTaskMemoryIntoFile(pid, fd, 5000, [range, { addr: UNMAPPED, len: 4096 }, range]);
      assert.deepEqual(result, { bytes: range.len, stoppedAt: 1 });
      const copied = Buffer.alloc(range.len);
      fs.readSync(fd, copied, 0, range.len, 5000);
      assert.equal(copied.toString(), 'amber reads this string');
      assert.equal(fs.fstatSync(fd).size, 5000 + 2 * range.len + 4096);
    } finally {
      close(fd);
    }
  });
});

test('a mapped file Buffer writes through to the file and is empty once unmapped', () => {
  const fd = memfdCreate('mapped', MFD_CLOEXEC);
  try {
    fs.ftruncateSync(fd, PAGE_SIZE);
    const mapping = mapFile(fd, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
    mapping.write('through the mapping', 10);
    assert.equal(fs.readFileSync(`/proc/self/fd/${fd}`).subarray(10, 29).toString(), 'through the mapping');
    unmapFile(mapping);
    assert.equal(mapping.length, 0);
    assert.throws(() => unmapFile(mapping), TypeError);
  } finally {
    close(fd);
  }
});

test('an unreadable range fails readTaskMemory with its address', async () => {
  await withKnownString((pid, range) => {
    assert.throws(() => readTaskMemory(pid, [range, { addr: UNMAPPED, len: 8 }]), /cannot read memory at 0x1000 \(8 bytes\)/);
  });
});
