import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { readCheckpoint } from '../../src/model';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { killIfAlive } from '../harness/processes';


/** /proc/locks lines of the given pids, without lock ids and inode numbers, sorted. */
function locksOf(pids: number[]): string[] {
  return fs
    .readFileSync('/proc/locks', 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).slice(1))
    .filter((fields) => fields[0] !== '->' && (pids.includes(Number(fields[3])) || fields[3] === '-1'))
    .map((fields) => [...fields.slice(0, 4), ...fields.slice(5)].join(' '))
    .sort();
}

test('a dump with file locks is refused without --file-locks and leaves the tree running', { timeout: 15_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-locks-refused-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const program = await start('restore-file-locks', [dir]);
  const child = Number(program.infoValue('child'));
  t.after(() => killIfAlive(child));
  await assert.rejects(dump({ pid: asPid(program.pid), imagesDir: path.join(dir, 'images'), leaveRunning: false, shellJob: false }), {
    message: `task ${program.pid} fd ${program.infoValue('whole')}: holds a flock lock; pass --file-locks to dump file locks`,
  });
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('flock, POSIX and OFD locks are held by the same owners after restore, and block others', { timeout: 15_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-locks-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const program = await start('restore-file-locks', [dir]);
  const child = Number(program.infoValue('child'));
  t.after(() => killIfAlive(child));
  const before = locksOf([program.pid, child]);
  assert.equal(before.length, 4, 'flock, two POSIX locks and an OFD lock');
  const images = path.join(dir, 'images');
  await dump({ pid: asPid(program.pid), imagesDir: images, leaveRunning: false, shellJob: false, fileLocks: true });
  const checkpoint = await readCheckpoint(images);
  assert.deepEqual(checkpoint.fileLocks.map((lock) => `${lock.kind} ${lock.access} ${lock.start}+${lock.length}`).sort(), ['flock write 0+0', 'ofd write 0+5', 'posix read 100+0', 'posix write 10+10']);

  await program.kill({ freePid: true });
  await restore({ imagesDir: images, detached: true, shellJob: false });
  assert.deepEqual(locksOf([program.pid, child]), before);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
