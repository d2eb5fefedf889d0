/** Helpers for dump tests: a scratch images directory, and decoding every image with amber's crit and Debian's. */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { readImageFile } from '../../src/images';

const AMBER = path.resolve(__dirname, '../../src/cli/main.js');

/** A new empty directory, removed when test `t` ends. */
export function imagesDir(t: TestContext, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `amber-dump-${name}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The image files of a dump directory that crit decodes (all but the raw pages files). */
export function decodableImages(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.img') && !name.startsWith('pages-'))
    .sort();
}

/** The kind of each image as amber's crit decodes it (what `amber crit decode` prints as magic). */
export async function amberKinds(dir: string, names: readonly string[]): Promise<string[]> {
  return Promise.all(names.map(async (name) => (await readImageFile(path.join(dir, name))).kind.name));
}

/** Whether Debian's Python crit (and its pycriu) is installed. */
export const hasPythonCrit = spawnSync('crit', ['--help']).status === 0;

/** The Python that runs crit (its #! line): pycriu is installed for that one. */
function critInterpreter(): string {
  const crit = execFileSync('sh', ['-c', 'command -v crit'], { encoding: 'utf8' }).trim();
  return fs.readFileSync(crit, 'utf8').split('\n')[0].replace(/^#!\s*/, '').split(' ')[0];
}

/** The magic of each image as Debian's pycriu decodes it: what `crit decode -i FILE` does, in one process for all. */
export function pythonCritKinds(dir: string, names: readonly string[]): string[] {
  const script = 'import sys, pycriu\nfor f in sys.argv[1:]:\n    print(pycriu.images.load(open(f, "rb"))["magic"])';
  const output = execFileSync(critInterpreter(), ['-c', script, ...names.map((name) => path.join(dir, name))], { encoding: 'utf8' });
  return output.trim().split('\n');
}

/** Runs the amber CLI and returns its exit status and stderr. */
export function runAmber(args: readonly string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [AMBER, ...args], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

/**
 * Decodes every image of `dir` with amber's image library and, when it is
 * installed, Debian's pycriu; both must succeed and agree on each image's
 * kind. Returns the kinds by file name.
 */
export async function decodeAll(dir: string): Promise<Map<string, string>> {
  const names = decodableImages(dir);
  const ours = await amberKinds(dir, names);
  if (hasPythonCrit) assert.deepEqual(pythonCritKinds(dir, names), ours, "Debian's crit decodes every image as the same kind");
  return new Map(names.map((name, i) => [name, ours[i]]));
}
