import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { usePrograms } from '../harness/programs';
import { imagesDir, runAmber } from './images';

test('dump refuses a unix socket with one line naming task, fd and kind, writes nothing and leaves the task running', async (t) => {
  const start = usePrograms(t);
  const program = await start('dump-socket');
  const dir = imagesDir(t, 'refuse');
  const fd = program.infoValue('socket');
  const { status, stderr } = runAmber(['dump', '-t', String(program.pid), '-D', dir]);
  assert.notEqual(status, 0);
  assert.equal(stderr.trim(), `amber: task ${program.pid} fd ${fd}: unix socket is not supported yet`);
  assert.deepEqual(fs.readdirSync(dir), [], 'no images are left behind');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('dump of a pid that does not exist fails with one line', (t) => {
  const dir = imagesDir(t, 'missing');
  const { status, stderr } = runAmber(['dump', '-t', '999999999', '-D', dir]);
  assert.notEqual(status, 0);
  assert.match(stderr.trim(), /^amber: task 999999999: no such process$/);
});
