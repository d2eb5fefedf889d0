import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fixturesRoot, imagePaths, workloads } from './fixtures';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');

function decode(...args: string[]): { status: number | null; stderr: string } {
  return spawnSync(process.execPath, [CLI, 'crit', 'decode', ...args], { encoding: 'utf8' });
}

function withTempDir(work: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-decode-dir-'));
  try {
    work(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('crit decode -i DIR -o OUT', () => {
  for (const workload of workloads()) {
    it(`${workload}: writes crit's text for every image as OUT/NAME.json`, () => {
      withTempDir((out) => {
        const result = decode('-i', path.join(fixturesRoot, workload), '-o', out, '--pretty');
        assert.equal(result.status, 0, result.stderr);
        for (const image of imagePaths(workload).filter((file) => fs.existsSync(`${file}.json`))) {
          const written = path.join(out, `${path.basename(image)}.json`);
          assert.equal(fs.readFileSync(written, 'utf8'), fs.readFileSync(`${image}.json`, 'utf8'), written);
        }
      });
    });
  }

  it('names a damaged image and exits with status 1', () => {
    withTempDir((dir) => {
      const images = path.join(dir, 'images');
      fs.mkdirSync(images);
      const pstree = fs.readFileSync(path.join(fixturesRoot, 'loop', 'pstree.img'));
      fs.writeFileSync(path.join(images, 'pstree.img'), pstree);
      fs.writeFileSync(path.join(images, 'inventory.img'), pstree.subarray(0, pstree.length - 1));
      const result = decode('-i', images, '-o', path.join(dir, 'out'));
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^amber: .*inventory\.img: .*\n$/);
    });
  });
});
