import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { buildIdOfPath, formatBuildId } from '../../src/elf/build-id';
import { readCheckpoint, writeCheckpoint } from '../../src/model';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { fdsOf, mapsOf } from './live';
import { killIfAlive } from '../harness/processes';

test('a parent and child come back with their pids, parent link, a pipe holding unread data and a file at its position', { timeout: 15_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-tree-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const program = await start('restore-tree', [path.join(dir, 'data')]);
  const child = Number(program.infoValue('child'));
  t.after(() => killIfAlive(child));
  const pids = [program.pid, child];
  const before = pids.map((pid) => ({ maps: mapsOf(pid), fds: fdsOf(pid) }));
  await dump({ pid: asPid(program.pid), imagesDir: path.join(dir, 'images'), leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });

  const result = await restore({ imagesDir: path.join(dir, 'images'), detached: true, shellJob: false });
  assert.equal(result.rootPid, program.pid);
  assert.equal(result.tasks, 2);
  assert.deepEqual(
    pids.map((pid) => ({ maps: mapsOf(pid), fds: fdsOf(pid) })),
    before,
  );
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('a restore that fails half-way says why in one line and leaves none of the tasks it created', { timeout: 15_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-fail-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const file = path.join(dir, 'data');
  const program = await start('restore-tree', [file]);
  const child = Number(program.infoValue('child'));
  t.after(() => killIfAlive(child));
  const fd = program.infoValue('file');
  await dump({ pid: asPid(program.pid), imagesDir: path.join(dir, 'images'), leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });
  fs.rmSync(file);

  await assert.rejects(restore({ imagesDir: path.join(dir, 'images'), detached: true, shellJob: false }), {
    message: `task ${program.pid} fd ${fd}: cannot reopen ${file}: ENOENT`,
  });
  for (const pid of [program.pid, child]) assert.equal(fs.existsSync(`/proc/${pid}`), false, `pid ${pid} is gone`);
});

test('a restore onto another build of the program refuses before creating anything', { timeout: 15_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-build-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const images = path.join(dir, 'images');
  const program = await usePrograms(t)('restore-tree', [path.join(dir, 'data')]);
  const child = Number(program.infoValue('child'));
  t.after(() => killIfAlive(child));
  await dump({ pid: asPid(program.pid), imagesDir: images, leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });

  const checkpoint = await readCheckpoint(images);
  const executable = checkpoint.files.get(checkpoint.tasks[0].memory!.executable);
  assert.ok(executable?.kind === 'regular' && executable.buildId !== undefined, 'the dump recorded the program\'s build-id');
  assert.equal(formatBuildId(executable.buildId), formatBuildId(buildIdOfPath(executable.path)!));
  const recorded = executable.buildId.map((word) => (word ^ 1) >>> 0);
  await writeCheckpoint({ ...checkpoint, files: new Map([...checkpoint.files, [executable.id, { ...executable, buildId: recorded }]]) }, images);

  await assert.rejects(restore({ imagesDir: images, detached: true, shellJob: false }), {
    message: `${executable.path} has build-id ${formatBuildId(executable.buildId)} here, ${formatBuildId(recorded)} at dump time: it is not the file the checkpoint was made with`,
  });
  for (const pid of [program.pid, child]) assert.equal(fs.existsSync(`/proc/${pid}`), false, `pid ${pid} was not created`);
});
