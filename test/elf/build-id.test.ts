import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildIdChange, buildIdOfPath, formatBuildId, toBuildId } from '../../src/elf/build-id';

/** What readelf(1) says the build-id of `file` is. */
function readelfBuildId(file: string): string | undefined {
  const notes = execFileSync('readelf', ['-n', '-W', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return /Build ID: ([0-9a-f]+)/.exec(notes)?.[1];
}

test('finds the same build-id as readelf in programs and libraries', () => {
  const files = [process.execPath, fs.realpathSync('/bin/sh'), fs.realpathSync('/usr/lib/x86_64-linux-gnu/libc.so.6')];
  for (const file of files) {
    const id = buildIdOfPath(file);
    assert.ok(id !== undefined, `${file} has a build-id`);
    assert.equal(formatBuildId(id), readelfBuildId(file), file);
  }
});

test('keeps the bytes in little-endian words, the last one zero-padded, as the images do', () => {
  assert.deepEqual(toBuildId(Buffer.from('93ac61ec5a8eb139', 'hex')), [0xec61ac93, 0x39b18e5a]);
  assert.deepEqual(toBuildId(Buffer.from('0102030405', 'hex')), [0x04030201, 0x05]);
});

test('files that are no ELF, or are damaged, have none; a changed build is described', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-build-id-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const text = path.join(dir, 'text');
  fs.writeFileSync(text, 'not a program\n');
  const truncated = path.join(dir, 'truncated');
  fs.writeFileSync(truncated, fs.readFileSync(process.execPath).subarray(0, 100));
  assert.equal(buildIdOfPath(text), undefined);
  assert.equal(buildIdOfPath(truncated), undefined);
  assert.equal(buildIdOfPath(path.join(dir, 'missing')), undefined);

  const node = buildIdOfPath(process.execPath)!;
  assert.equal(buildIdChange(process.execPath, node), undefined);
  assert.equal(buildIdChange(path.join(dir, 'missing'), node), undefined, 'a missing file is for the open to report');
  assert.equal(buildIdChange(text, node), `${text} has no build-id here, ${formatBuildId(node)} at dump time`);
  const sh = fs.realpathSync('/bin/sh');
  assert.equal(buildIdChange(sh, node), `${sh} has build-id ${formatBuildId(buildIdOfPath(sh)!)} here, ${formatBuildId(node)} at dump time`);
});
