import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { AmberError } from '../../src/errors';
import { decodeImage, encodeImage, parseCritJson } from '../../src/images';
import { fixturesRoot } from './fixtures';

const loop = path.join(fixturesRoot, 'loop');
const CLI = path.resolve(__dirname, '../../src/cli/main.js');

/** Asserts `action` throws a one-line AmberError whose message matches every pattern. */
function rejects(action: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(action, (e: unknown) => {
    assert.ok(e instanceof AmberError, `not an AmberError: ${String(e)}`);
    assert.doesNotMatch(e.message, /\n/);
    for (const pattern of patterns) assert.match(e.message, pattern);
    return true;
  });
}

function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(loop, name));
}

/** The bytes of a one-entry pstree image whose entry is `message`. */
function pstreeWith(message: Buffer, declaredSize = message.length): Buffer {
  return Buffer.concat([fixture('pstree.img').subarray(0, 8), sizePrefix(declaredSize), message]);
}

describe('decoding damaged images', () => {
  it('names the entry and offset where a truncated file ends', () => {
    const files = fixture('files.img');
    const second = 12 + files.readUInt32LE(8);
    const secondSize = files.readUInt32LE(second);
    rejects(
      () => decodeImage(files.subarray(0, second + 10), 'files.img'),
      new RegExp(`^files\\.img: entry 1 at byte ${second}: file ends inside a ${secondSize}-byte file_entry message: needs ${secondSize} bytes, only 6 left`),
    );
    rejects(() => decodeImage(files.subarray(0, 10), 'files.img'), /^files\.img: entry 0 at byte 8: file ends inside an entry size/);
  });

  it('rejects an empty file, an unknown magic and raw page data', () => {
    rejects(() => decodeImage(Buffer.alloc(0), 'empty.img'), /^empty\.img: file ends inside the magic/);
    rejects(() => decodeImage(Buffer.from('0123456789abcdef'), 'x.img'), /^x\.img: unknown magic 0x33323130/);
    rejects(() => decodeImage(fixture('pages-1.img'), 'pages-1.img'), /^pages-1\.img: unknown magic 0x[0-9a-f]+: .*raw data such as pages-N\.img/);
  });

  it('rejects garbage protobuf with the byte offset of the problem', () => {
    rejects(() => decodeImage(pstreeWith(Buffer.alloc(12, 0xff)), 'pstree.img'), /^pstree\.img: entry 0 at byte 8: malformed pstree_entry message: varint longer than 10 bytes \(byte 12\)/);
    rejects(() => decodeImage(pstreeWith(Buffer.from([0x0a, 0x05, 0x01])), 'pstree.img'), /length 5 runs past the end of the message/);
    rejects(() => decodeImage(pstreeWith(Buffer.from([0x0f, 0x01])), 'pstree.img'), /unsupported wire type 7/);
  });

  it('rejects messages nested deeper than protobuf allows', () => {
    // cgroup_entry.controllers -> dirs -> children -> children ...: field 2 all the way down.
    let nested = Buffer.alloc(0);
    for (let level = 0; level < 300; level++) nested = Buffer.concat([Buffer.from([0x12]), varint(nested.length), nested]);
    const header = encodeImage({ magic: 'CGROUP', entries: [] }, 'cgroup.img');
    const image = Buffer.concat([header, sizePrefix(nested.length), nested]);
    rejects(() => decodeImage(image, 'cgroup.img'), /^cgroup\.img: entry 0 at byte 8: malformed cgroup_entry message: messages nested more than 100 deep/);
  });

  it('checks a size prefix against the file before reading it', () => {
    const before = process.memoryUsage().arrayBuffers;
    rejects(() => decodeImage(pstreeWith(Buffer.from([0x08, 0x01]), 0xfffffff0), 'pstree.img'), /needs 4294967280 bytes, only 2 left/);
    assert.ok(process.memoryUsage().arrayBuffers - before < 2 ** 20);
  });

  it('the CLI reports one line on stderr and exits 1', () => {
    const result = spawnSync(process.execPath, [CLI, 'crit', 'decode', '-i', path.join(loop, 'pages-1.img')], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^amber: .*pages-1\.img: unknown magic 0x[0-9a-f]+: [^\n]*\n$/);
  });
});

describe('encoding bad JSON', () => {
  const pstree = (entry: Record<string, unknown>): unknown => ({ magic: 'PSTREE', entries: [entry] });
  const good = { pid: 1, ppid: 0, pgid: 1, sid: 1, threads: [1] };

  it('names the entry and field of a value of the wrong type', () => {
    rejects(() => encodeImage(pstree({ ...good, pid: 'abc' }), 'in.json'), /^in\.json: entry 0: field pid: expected an integer, got "abc"/);
    rejects(() => encodeImage(pstree({ ...good, pid: 1.5 }), 'in.json'), /field pid: expected an integer, got 1\.5/);
    rejects(() => encodeImage(pstree({ ...good, threads: 5 }), 'in.json'), /field threads: expected a list, got 5/);
    rejects(() => encodeImage(pstree({ ...good, pid: -1 }), 'in.json'), /field pid: -1 is out of range for uint32/);
    rejects(() => encodeImage(pstree({ ...good, pid: true }), 'in.json'), /field pid: expected an integer, got true/);
  });

  it('rejects unknown and missing fields', () => {
    rejects(() => encodeImage(pstree({ ...good, bogus: 1 }), 'in.json'), /entry 0: unknown field 'bogus' for pstree_entry/);
    rejects(() => encodeImage(pstree({ ppid: 0 }), 'in.json'), /entry 0: missing required field 'pid' of pstree_entry/);
    const fs = parseCritJson(fixtureJson('fs-24631.img')) as { entries: Record<string, unknown>[] };
    rejects(() => encodeImage({ magic: 'FS', entries: [{ ...fs.entries[0], cwd_id: { id: 1 } }] }, 'fs.json'), /field cwd_id: expected an integer, got an object/);
  });

  it('names nested fields by their path', () => {
    const core = parseCritJson(fixtureJson('core-24631.img')) as { entries: { thread_info: { gpregs: Record<string, unknown> } }[] };
    core.entries[0].thread_info.gpregs.ip = 'not-hex';
    rejects(() => encodeImage(core, 'core.json'), /entry 0: field thread_info\.gpregs\.ip: expected an integer, got "not-hex"/);
  });

  it('rejects an unknown magic name and a payload that does not match its size', () => {
    rejects(() => encodeImage({ magic: 'NOPE', entries: [] }, 'in.json'), /^in\.json: "magic" "NOPE" is not a CRIU image kind/);
    rejects(() => encodeImage({ magic: 12n, entries: [] }, 'in.json'), /^in\.json: "magic" 12 is not a CRIU image kind/);
    const data = { magic: 'PIPES_DATA', entries: [{ pipe_id: 1, bytes: 10, extra: 'YWJj\n' }] };
    rejects(() => encodeImage(data, 'in.json'), /entry 0: "extra" holds 3 bytes but the entry says 10/);
  });

  it('the CLI rejects text that is not JSON', () => {
    const result = spawnSync(process.execPath, [CLI, 'crit', 'encode', '-i', path.join(loop, 'pstree.img')], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^amber: .*pstree\.img: cannot read JSON: [^\n]*\n$/);
  });
});

function varint(value: number): Buffer {
  const bytes: number[] = [];
  for (; value >= 0x80; value >>>= 7) bytes.push((value & 0x7f) | 0x80);
  return Buffer.from([...bytes, value]);
}

/** An entry's [u32 little-endian size]. */
function sizePrefix(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
}

function fixtureJson(image: string): string {
  return fs.readFileSync(path.join(loop, `${image}.json`), 'utf8');
}
