import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IMAGE_KINDS, RAW_IMAGE_KINDS, imageKindByMagic, imageKindByName, prefixMagic } from '../../src/images/magic';
import { imagePaths, workloads } from '../crit/fixtures';

const protoDir = path.resolve(__dirname, '../../..', 'proto');

test('every fixture image starts with the prefix and magic of the kind crit names', () => {
  let checked = 0;
  for (const workload of workloads()) {
    for (const image of imagePaths(workload)) {
      const head = fs.readFileSync(image).subarray(0, 8);
      const first = head.readUInt32LE(0);
      const second = head.readUInt32LE(4);
      const kind = imageKindByMagic(first) ?? imageKindByMagic(second);
      const expected = JSON.parse(fs.readFileSync(`${image}.json`, 'utf8')).magic;
      assert.equal(kind?.name, expected, image);
      const prefix = kind && prefixMagic(kind);
      if (prefix === undefined) assert.equal(first, kind?.magic, image);
      else assert.deepEqual([first, second], [prefix, kind?.magic], image);
      checked++;
    }
  }
  assert.ok(checked > 0, 'no fixture images found');
});

test('magic values and names identify one kind each', () => {
  const magics = IMAGE_KINDS.map((k) => k.magic);
  assert.equal(new Set(magics).size, magics.length);
  const names = [...IMAGE_KINDS, ...RAW_IMAGE_KINDS].map((k) => k.name);
  assert.equal(new Set(names).size, names.length);
  for (const kind of IMAGE_KINDS) {
    assert.equal(imageKindByName(kind.name), kind);
    assert.equal(imageKindByMagic(kind.magic), kind);
  }
  assert.equal(imageKindByMagic(0), undefined);
});

interface ProtoSummary {
  definedTypes: Set<string>;
  problems: string[];
}

const SCALARS = new Set([
  'double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64',
  'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes',
]);

/** A shallow look at the .proto files: braces, field numbers, referenced types. */
function summarizeProtos(): ProtoSummary {
  const definedTypes = new Set<string>();
  const problems: string[] = [];
  const references: { type: string; where: string }[] = [];
  for (const file of fs.readdirSync(protoDir).filter((f) => f.endsWith('.proto'))) {
    const text = fs.readFileSync(path.join(protoDir, file), 'utf8').replace(/\/\/[^\n]*/g, '');
    if (!text.startsWith('syntax = "proto2";')) problems.push(`${file}: does not start with the proto2 syntax line`);
    const scopes: { name: string; numbers: Set<number> }[] = [];
    const statement = /(message|enum)\s+(\w+)\s*\{|(required|optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)|\}/g;
    for (const m of text.matchAll(statement)) {
      const where = `${file}: ${scopes.map((s) => s.name).join('.')}`;
      if (m[1]) {
        definedTypes.add(m[2]);
        scopes.push({ name: m[2], numbers: new Set() });
      } else if (m[3]) {
        const number = Number(m[6]);
        const scope = scopes[scopes.length - 1];
        if (!scope) problems.push(`${file}: field ${m[5]} outside a message`);
        else if (scope.numbers.has(number)) problems.push(`${where}: field number ${number} used twice`);
        else scope.numbers.add(number);
        if (!SCALARS.has(m[4])) references.push({ type: m[4], where: `${where}.${m[5]}` });
      } else if (scopes.pop() === undefined) problems.push(`${file}: unbalanced '}'`);
    }
    if (scopes.length > 0) problems.push(`${file}: ${scopes.length} unclosed block(s)`);
  }
  for (const ref of references) {
    if (!definedTypes.has(ref.type)) problems.push(`${ref.where}: type ${ref.type} is not defined`);
  }
  return { definedTypes, problems };
}

test('the proto files are well formed and every type they use is defined', () => {
  const { definedTypes, problems } = summarizeProtos();
  assert.deepEqual(problems, []);
  assert.ok(definedTypes.size > 100, `only ${definedTypes.size} types defined`);
});

test('every image kind names messages the schema defines', () => {
  const { definedTypes } = summarizeProtos();
  for (const kind of IMAGE_KINDS) {
    const used = [kind.message, kind.header, kind.extra?.kind === 'sub-entries' ? kind.extra.message : undefined];
    for (const name of used) if (name !== undefined) assert.ok(definedTypes.has(name), `${kind.name}: ${name}`);
  }
});
