import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodeImage, readImageFile, toCritJson } from '../../src/images';
import { fixturesRoot, imagePaths, workloads } from './fixtures';

/** What CRIU 4.2's crit printed for an image, by output form; absent when the fixture set has none. */
function critOutput(image: string, suffix: '.json' | '.plain.json' | '.show.json'): string | undefined {
  const file = image + suffix;
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

const CLI = path.resolve(__dirname, '../../src/cli/main.js');

function amber(args: string[], input?: Buffer): Buffer {
  return execFileSync(process.execPath, [CLI, ...args], { input, maxBuffer: 64 * 2 ** 20 });
}

for (const workload of workloads()) {
  describe(`crit decode of the ${workload} fixtures`, () => {
    for (const image of imagePaths(workload)) {
      const name = path.basename(image);
      it(`${name}: --pretty, plain and show text equal crit's`, () => {
        const decoded = decodeImage(fs.readFileSync(image), image);
        const pretty = critOutput(image, '.json');
        const plain = critOutput(image, '.plain.json');
        const show = critOutput(image, '.show.json');
        assert.ok(pretty !== undefined, `crit's JSON of ${name} is missing`);
        assert.equal(toCritJson(decoded, { pretty: true }), pretty);
        if (plain !== undefined) assert.equal(toCritJson(decoded, { pretty: false }), plain);
        if (show !== undefined) assert.equal(toCritJson(decoded, { pretty: true }) + '\n', show);
      });
    }
  });
}

describe('streaming reads', () => {
  it('readImageFile gives the same entries as decoding the bytes', async () => {
    for (const image of workloads().flatMap(imagePaths)) {
      assert.deepEqual(await readImageFile(image), decodeImage(fs.readFileSync(image), image), image);
    }
  });
});

describe('amber crit CLI', () => {
  const loop = path.join(fixturesRoot, 'loop');
  const core = path.join(loop, 'core-24631.img');

  it('decode -o writes crit\'s file (no final newline); to stdout it adds one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-crit-'));
    try {
      const out = path.join(dir, 'core.json');
      amber(['crit', 'decode', '-i', core, '-o', out, '--pretty']);
      assert.equal(fs.readFileSync(out, 'utf8'), critOutput(core, '.json'));
      assert.equal(amber(['crit', 'decode', '--in', core]).toString(), critOutput(core, '.plain.json') + '\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decode reads stdin when -i is left out', () => {
    const pstree = path.join(loop, 'pstree.img');
    assert.equal(amber(['crit', 'decode', '--pretty'], fs.readFileSync(pstree)).toString(), critOutput(pstree, '.json') + '\n');
  });

  it('show prints what crit show printed', () => {
    for (const name of ['pstree.img', 'files.img', 'core-24631.img', 'mm-24631.img']) {
      const image = path.join(loop, name);
      assert.equal(amber(['crit', 'show', image]).toString(), critOutput(image, '.show.json'), name);
    }
  });

  it('show --nopl replaces payloads by their size', () => {
    const shown = JSON.parse(amber(['crit', 'show', '--nopl', path.join(fixturesRoot, 'pipes', 'pipes-data.img')]).toString());
    assert.deepEqual(
      shown.entries.map((e: { extra: string }) => e.extra),
      shown.entries.map((e: { bytes: number }) => `... <${e.bytes}B>`),
    );
  });

  it('info prints the kind and the entry count (a pagemap\'s header not counted)', () => {
    const pagemap = path.join(loop, 'pagemap-24631.img');
    const entries = decodeImage(fs.readFileSync(pagemap), pagemap).entries.length;
    assert.deepEqual(JSON.parse(amber(['crit', 'info', pagemap]).toString()), { magic: 'PAGEMAP', count: entries - 1 });
    assert.deepEqual(JSON.parse(amber(['crit', 'info', path.join(loop, 'files.img')]).toString()), { magic: 'FILES', count: 7 });
  });

  it('--help describes each sub-command with crit\'s option names', () => {
    assert.match(amber(['crit', 'decode', '--help']).toString(), /--pretty[\s\S]*-i IN, --in IN[\s\S]*-o OUT, --out OUT/);
    assert.match(amber(['crit', 'encode', '-h']).toString(), /-i IN, --in IN[\s\S]*-o OUT, --out OUT/);
    assert.match(amber(['crit', 'show', '--help']).toString(), /--nopl/);
    assert.match(amber(['crit', '--help']).toString(), /decode[\s\S]*encode[\s\S]*info[\s\S]*show/);
  });
});
