import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { critJsonOf } from '../../src/images';
import { asPid } from '../../src/sys/types';
import { fixturesRoot } from '../crit/fixtures';
import { usePrograms } from '../harness/programs';
import { imagesDir } from './images';

/** An image's name with its pid replaced, so that two dumps' names compare. */
const withoutPid = (name: string): string => name.replace(/-\d+\.img$/, '-PID.img');

/** Every field path of a decoded image ("entries[].tc.timers.real.vsec"), list items merged. */
function fieldPaths(value: unknown, prefix = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => fieldPaths(item, `${prefix}[]`, into));
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      into.add(`${prefix}.${key}`);
      fieldPaths(inner, `${prefix}.${key}`, into);
    }
  }
  return into;
}

test('amber\'s dump of a looping program has the images and fields CRIU 4.2 wrote for the same kind of program', async (t) => {
  const program = await usePrograms(t)('dump-loop');
  const dir = imagesDir(t, 'criu-structure');
  await dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: false, shellJob: false });
  const fixture = path.join(fixturesRoot, 'loop');
  const criuImages = fs.readdirSync(fixture).filter((name) => name.endsWith('.img.json')).map((name) => name.slice(0, -'.json'.length));
  const ours = new Map(fs.readdirSync(dir).filter((name) => name.endsWith('.img') && !name.startsWith('pages-')).map((name) => [withoutPid(name), name]));
  assert.deepEqual([...ours.keys()].sort(), criuImages.map(withoutPid).sort(), 'the same image files');
  for (const criuImage of criuImages) {
    const name = ours.get(withoutPid(criuImage))!;
    const amberFields = fieldPaths(JSON.parse(critJsonOf(fs.readFileSync(path.join(dir, name)), name, { pretty: true })));
    const criuFields = fieldPaths(JSON.parse(fs.readFileSync(path.join(fixture, `${criuImage}.json`), 'utf8')));
    assert.deepEqual({ image: name, only: [...amberFields].filter((field) => !criuFields.has(field)) }, { image: name, only: [] }, 'no field CRIU does not write');
    assert.deepEqual({ image: name, only: [...criuFields].filter((field) => !amberFields.has(field)) }, { image: name, only: [] }, 'every field CRIU writes');
  }
});
