import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { validateCheckpoint } from '../../src/crit/validate';
import { restore } from '../../src/restore';
import { imagesDir, runAmber } from '../dump/images';
import { usePrograms } from '../harness/programs';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');

test('a tree moved to another directory restores from there after crit edit --path, and --comm renames it', { timeout: 20_000 }, async (t) => {
  const work = imagesDir(t, 'edit-work');
  const moved = imagesDir(t, 'edit-moved');
  const program = await usePrograms(t)('dump-files', [work]);
  const fifoFd = program.infoValue('fifo');
  const images = imagesDir(t, 'edit-restore');
  const dumped = runAmber(['dump', '-t', String(program.pid), '-D', images]);
  assert.equal(dumped.stderr, '');
  await program.kill({ freePid: true });

  fs.rmSync(moved, { recursive: true });
  fs.renameSync(work, moved);
  const edit = spawnSync(process.execPath, [CLI, 'crit', 'edit', images, '--path', `${work}=${moved}`, '--comm', `${program.pid}=moved-files`], { encoding: 'utf8' });
  assert.equal(edit.status, 0, edit.stderr);
  assert.deepEqual(await validateCheckpoint(images, { system: true }), []);

  await restore({ imagesDir: images, detached: true, shellJob: false });
  assert.equal(fs.readlinkSync(`/proc/${program.pid}/cwd`), moved);
  assert.equal(fs.readlinkSync(`/proc/${program.pid}/fd/${fifoFd}`), path.join(moved, 'fifo'));
  assert.equal(fs.readFileSync(`/proc/${program.pid}/comm`, 'utf8'), 'moved-files\n');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
