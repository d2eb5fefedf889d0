import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { comparableMaps, fdsOf } from './live';

test('a program whose executable was unlinked while it ran comes back running that same unlinked file', { timeout: 15_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-deleted-exe-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const copyDir = path.join(dir, 'program');
  fs.mkdirSync(copyDir);
  const program = await usePrograms(t)('restore-deleted-exe', [copyDir]);
  const exe = `${path.join(copyDir, 'deleted-exe-copy')} (deleted)`;
  assert.equal(fs.readlinkSync(`/proc/${program.pid}/exe`), exe);
  const before = { maps: comparableMaps(program.pid), fds: fdsOf(program.pid) };
  const images = path.join(dir, 'images');
  await dump({ pid: asPid(program.pid), imagesDir: images, leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });

  await restore({ imagesDir: images, detached: true, shellJob: false });
  assert.equal(fs.readlinkSync(`/proc/${program.pid}/exe`), exe);
  assert.deepEqual({ maps: comparableMaps(program.pid), fds: fdsOf(program.pid) }, before);
  assert.deepEqual(fs.readdirSync(copyDir), [], 'the executable stays unlinked');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
