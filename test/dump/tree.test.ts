import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { findTask, readCheckpoint, type RegularFile } from '../../src/model';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { decodeAll, imagesDir } from './images';

/** The harness knows the parent only; the child dies with it (PR_SET_PDEATHSIG), and is killed here too should that fail. */
function killChild(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone with its parent.
  }
}

test('dump -R of a parent and child sharing a pipe with unread data and regular files', async (t) => {
  const start = usePrograms(t);
  const work = imagesDir(t, 'tree-files');
  const program = await start('dump-tree', [work]);
  const pid = asPid(program.pid);
  const child = asPid(Number(program.infoValue('child')));
  t.after(() => killChild(child));
  const dir = imagesDir(t, 'tree');
  const result = await dump({ pid, imagesDir: dir, leaveRunning: true, shellJob: false });
  assert.equal(result.tasks, 2);
  const kinds = await decodeAll(dir);
  assert.equal(kinds.get('pipes-data.img'), 'PIPES_DATA');
  assert.equal(kinds.get(`core-${child}.img`), 'CORE');

  const checkpoint = await readCheckpoint(dir);
  assert.deepEqual(checkpoint.tasks.map((task) => task.pid), [pid, child]);
  assert.equal(findTask(checkpoint, child).parent, pid);
  const tableOf = (taskPid: typeof pid) => checkpoint.fdTables.get(findTask(checkpoint, taskPid).ids?.files ?? -1);
  const parentFds = tableOf(pid);
  const childFds = tableOf(child);
  assert.ok(parentFds !== undefined && childFds !== undefined && parentFds !== childFds, 'each task has its own fd table');
  const fileOf = (fd: number) => parentFds.fds.find((entry) => entry.fd === fd)?.file;
  for (const key of ['pipe_read', 'pipe_write', 'append', 'data']) {
    const fd = Number(program.infoValue(key));
    assert.equal(childFds.fds.find((entry) => entry.fd === fd)?.file, fileOf(fd), `fd ${fd} (${key}) is one description in both tasks`);
  }

  const readEnd = checkpoint.files.get(fileOf(Number(program.infoValue('pipe_read')))!);
  const writeEnd = checkpoint.files.get(fileOf(Number(program.infoValue('pipe_write')))!);
  assert.ok(readEnd?.kind === 'pipe' && writeEnd?.kind === 'pipe' && readEnd.pipe === writeEnd.pipe, 'both ends are of one pipe');
  assert.equal(checkpoint.pipeContents.length, 1);
  assert.equal(checkpoint.pipeContents[0].data.toString(), 'unread line in the shared pipe\n');

  const append = checkpoint.files.get(fileOf(Number(program.infoValue('append')))!) as RegularFile;
  assert.equal(append.path, path.join(work, 'append.txt'));
  assert.ok(append.flags.append && append.flags.writeOnly);
  assert.equal(append.position, 11n);
  const data = checkpoint.files.get(fileOf(Number(program.infoValue('data')))!) as RegularFile;
  assert.ok(data.flags.readWrite);
  assert.equal(data.position, 1234n);
  assert.equal(fs.statSync(path.join(work, 'data.bin')).size, 4000);

  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('a task whose session is led from outside the tree is refused without --shell-job and dumped with it', async (t) => {
  const start = usePrograms(t);
  const program = await start('dump-tree', [imagesDir(t, 'session-files')]);
  const child = asPid(Number(program.infoValue('child')));
  t.after(() => killChild(child));
  const dir = imagesDir(t, 'session');
  await assert.rejects(dump({ pid: child, imagesDir: dir, leaveRunning: true, shellJob: false }), {
    message: `task ${child}: its session ${program.pid} is led from outside the tree (dump the leader, or use --shell-job)`,
  });
  assert.deepEqual(fs.readdirSync(dir), [], 'nothing is left behind');
  const result = await dump({ pid: child, imagesDir: dir, leaveRunning: true, shellJob: true });
  assert.equal(result.tasks, 1);
  assert.equal(findTask(await readCheckpoint(dir), child).sid, program.pid);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
