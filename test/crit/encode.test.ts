import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodeImage, encodeImage, parseCritJson } from '../../src/images';
import { fixturesRoot, imagePaths, workloads } from './fixtures';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');

for (const workload of workloads()) {
  describe(`crit encode of the ${workload} fixtures`, () => {
    for (const image of imagePaths(workload)) {
      const name = path.basename(image);
      it(`${name}: crit's JSON (pretty and plain) encodes to the original bytes`, () => {
        const original = fs.readFileSync(image);
        for (const json of [`${image}.json`, `${image}.plain.json`].filter((f) => fs.existsSync(f))) {
          const encoded = encodeImage(parseCritJson(fs.readFileSync(json, 'utf8')), json);
          assert.ok(encoded.equals(original), `${path.basename(json)} does not encode to ${name}`);
        }
      });

      it(`${name}: decoding then encoding gives the original bytes`, () => {
        const original = fs.readFileSync(image);
        assert.ok(encodeImage(toJsonShape(decodeImage(original, image)), image).equals(original));
      });
    }
  });
}

/** A decoded image in the shape crit's JSON has: { magic, entries }. */
function toJsonShape(image: ReturnType<typeof decodeImage>): unknown {
  return { magic: image.kind.name, entries: image.entries };
}

describe('amber crit encode', () => {
  it('writes the image crit would from -i JSON to -o, and reads stdin', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-crit-'));
    try {
      const image = path.join(fixturesRoot, 'unix', 'files.img');
      const out = path.join(dir, 'files.img');
      execFileSync(process.execPath, [CLI, 'crit', 'encode', '-i', `${image}.json`, '-o', out]);
      assert.ok(fs.readFileSync(out).equals(fs.readFileSync(image)));
      const fromStdin = execFileSync(process.execPath, [CLI, 'crit', 'encode'], { input: fs.readFileSync(`${image}.json`) });
      assert.ok(fromStdin.equals(fs.readFileSync(image)));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
