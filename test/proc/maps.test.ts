import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMaps, readMaps, type Vma } from '../../src/proc/maps';
import { parseSmaps, readSmaps } from '../../src/proc/smaps';
import { assertParseError, made, ownPid, sampleText } from './sample';

function vmaAt(vmas: Vma[], what: string): Vma {
  const start = BigInt(made(what));
  const vma = vmas.find((candidate) => candidate.start === start);
  assert.ok(vma !== undefined, `no mapping at ${what}`);
  return vma;
}

test('maps sample: a file whose name has spaces and a newline', () => {
  const vma = vmaAt(parseMaps(sampleText('maps')), 'mapped-spaced');
  assert.equal(vma.kind, 'file');
  assert.ok(vma.name.endsWith('/scratch/file with spaces\nand newline'), vma.name);
  assert.equal(vma.deleted, false);
  assert.equal(vma.end - vma.start, 8192n);
  assert.deepEqual([vma.read, vma.write, vma.exec, vma.shared], [true, false, false, true]);
});

test('maps sample: deleted files, shared anonymous memory, memfd', () => {
  const vmas = parseMaps(sampleText('maps'));
  const deleted = vmaAt(vmas, 'mapped-deleted');
  assert.deepEqual([deleted.kind, deleted.deleted, deleted.shared, deleted.write], ['file', true, false, true]);
  assert.ok(deleted.name.endsWith('/scratch/deleted file'), deleted.name);
  const sharedAnon = vmaAt(vmas, 'mapped-shared-anon');
  assert.deepEqual([sharedAnon.name, sharedAnon.deleted, sharedAnon.shared], ['/dev/zero', true, true]);
  const memfd = vmaAt(vmas, 'mapped-memfd');
  assert.deepEqual([memfd.name, memfd.deleted], ['/memfd:amber sample', true]);
});

test('maps sample: special mappings and anonymous memory', () => {
  const vmas = parseMaps(sampleText('maps'));
  const kinds = vmas.map((vma) => vma.kind);
  for (const kind of ['heap', 'stack', 'vdso', 'vvar', 'vvar_vclock', 'vsyscall'] as const) {
    assert.equal(kinds.filter((k) => k === kind).length, 1, kind);
  }
  const vsyscall = vmas.find((vma) => vma.kind === 'vsyscall');
  assert.equal(vsyscall?.start, 0xffffffffff600000n);
  const pages = vmaAt(vmas, 'mapped-pages');
  assert.deepEqual([pages.kind, pages.name, pages.inode, pages.device], ['anonymous', '', 0n, { major: 0, minor: 0 }]);
  assert.equal(pages.end - pages.start, 16n * 4096n);
  const program = vmas[0];
  assert.deepEqual([program.kind, program.device, program.offset], ['file', { major: 0xfe, minor: 0 }, 0n]);
});

test('maps: named anonymous memory (prctl PR_SET_VMA_ANON_NAME)', () => {
  const [named, shmem] = parseMaps(
    '7f0000000000-7f0000004000 rw-p 00000000 00:00 0                          [anon:my cache]\n' +
      '7f0000004000-7f0000005000 rw-s 00000000 00:01 17                         [anon_shmem:ring]\n',
  );
  assert.deepEqual([named.kind, named.name], ['named-anonymous', 'my cache']);
  assert.deepEqual([shmem.kind, shmem.name, shmem.shared], ['named-anonymous', 'ring', true]);
});

test('maps: malformed lines fail naming the file and line', () => {
  const maps = sampleText('maps').split('\n');
  maps[2] = '7f00-zz rw-p 0 00:00 0';
  assertParseError(() => parseMaps(maps.join('\n'), '/proc/3/maps'), '/proc/3/maps: line 3: not a mapping');
  assertParseError(() => parseMaps('2000-1000 rw-p 00000000 00:00 0 \n', '/proc/3/maps'), '/proc/3/maps: line 1: mapping ends before');
});

test('smaps sample: usage and VmFlags per mapping', () => {
  const vmas = parseSmaps(sampleText('smaps'));
  assert.equal(vmas.length, parseMaps(sampleText('maps')).length);
  const pages = vmas.find((vma) => vma.start === BigInt(made('mapped-pages')));
  assert.ok(pages !== undefined);
  assert.equal(pages.usage.size, 16 * 4096);
  // make-samples wrote six of the sixteen pages
  assert.equal(pages.usage.anonymous, 6 * 4096);
  assert.equal(pages.usage.privateDirty, 6 * 4096);
  assert.equal(pages.usage.swap, 0);
  assert.ok(pages.vmFlags.has('rd') && pages.vmFlags.has('wr') && pages.vmFlags.has('nh'));
  assert.ok(!pages.vmFlags.has('ex'));
  assert.deepEqual(pages.vmFlags.unknown(), []);
  const stack = vmas.find((vma) => vma.kind === 'stack');
  assert.ok(stack?.vmFlags.has('gd'), 'the stack grows down');
  const shared = vmas.find((vma) => vma.start === BigInt(made('mapped-spaced')));
  assert.ok(shared?.vmFlags.has('sh') && shared.vmFlags.has('ms'));
  assert.ok(pages.extra.has('AnonHugePages'));
});

test('smaps: unknown VmFlags are kept, bad ones rejected', () => {
  const [vma] = parseSmaps(sampleText('smaps').split('\n').slice(0, 25).join('\n').replace(/VmFlags:.*/, 'VmFlags: rd zq '));
  assert.deepEqual(vma.vmFlags.mnemonics, ['rd', 'zq']);
  assert.deepEqual(vma.vmFlags.unknown(), ['zq']);
  const bad = sampleText('smaps').replace(/VmFlags:.*/, 'VmFlags: rd toolong');
  assertParseError(() => parseSmaps(bad, '/proc/4/smaps'), '/proc/4/smaps: line 25: VmFlags: not a two-letter flag');
  assertParseError(() => parseSmaps('Rss: 4 kB\n', '/proc/4/smaps'), '/proc/4/smaps: line 1: expected the start of a record');
  const noRss = sampleText('smaps').replace(/^Rss:.*\n/m, '');
  assertParseError(() => parseSmaps(noRss, '/proc/4/smaps'), '/proc/4/smaps: missing "Rss"');
  const badSize = sampleText('smaps').replace(/^Pss: .*$/m, 'Pss: 12 MB');
  assertParseError(() => parseSmaps(badSize, '/proc/4/smaps'), '/proc/4/smaps: line 6: Pss is not "N kB"');
});

test('maps and smaps live: this process', () => {
  const maps = readMaps(ownPid);
  const smaps = readSmaps(ownPid);
  assert.ok(maps.some((vma) => vma.kind === 'file' && vma.name === process.execPath));
  assert.ok(maps.some((vma) => vma.kind === 'vdso'));
  assert.ok(smaps.some((vma) => vma.kind === 'stack' && vma.vmFlags.has('gd')));
});
