import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAuxv, readAuxv } from '../../src/proc/auxv';
import { parseMaps } from '../../src/proc/maps';
import { parseStat } from '../../src/proc/stat';
import { assertParseError, ownPid, sampleBytes, sampleText } from './sample';

test('auxv sample: page size, vdso and program headers match the other files', () => {
  const auxv = new Map(parseAuxv(sampleBytes('auxv')).map((entry) => [entry.name, entry.value]));
  assert.equal(auxv.get('AT_PAGESZ'), 4096n);
  assert.equal(auxv.get('AT_UID'), 0n);
  const vdso = parseMaps(sampleText('maps')).find((vma) => vma.kind === 'vdso');
  assert.equal(auxv.get('AT_SYSINFO_EHDR'), vdso?.start);
  const stat = parseStat(sampleText('stat'));
  const phdr = auxv.get('AT_PHDR') ?? 0n;
  assert.ok(phdr >= stat.startCode - 0x10000n && phdr < stat.endCode, 'program headers lie in the executable');
  assert.ok(!auxv.has('AT_NULL'));
});

test('auxv: unknown types are named by number; truncation fails', () => {
  const bytes = Buffer.alloc(48);
  bytes.writeBigUInt64LE(99n, 0);
  bytes.writeBigUInt64LE(5n, 8);
  bytes.writeBigUInt64LE(6n, 16);
  bytes.writeBigUInt64LE(4096n, 24);
  assert.deepEqual(parseAuxv(bytes), [
    { type: 99, name: 'AT_99', value: 5n },
    { type: 6, name: 'AT_PAGESZ', value: 4096n },
  ]);
  assertParseError(() => parseAuxv(bytes.subarray(0, 40), '/proc/8/auxv'), '/proc/8/auxv: 40 bytes');
  assertParseError(() => parseAuxv(bytes.subarray(0, 32), '/proc/8/auxv'), '/proc/8/auxv: no AT_NULL');
});

test('auxv live: this process', () => {
  const auxv = new Map(readAuxv(ownPid).map((entry) => [entry.name, entry.value]));
  assert.equal(auxv.get('AT_EUID'), BigInt(process.geteuid?.() ?? -1));
  assert.equal(auxv.get('AT_PAGESZ'), 4096n);
});
