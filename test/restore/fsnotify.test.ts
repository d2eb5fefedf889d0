import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { dump } from '../../src/dump';
import { findTask, readCheckpoint, type Inotify } from '../../src/model';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { fdsOf } from './live';

/** The flags and inotify or fanotify lines of an fd's fdinfo without what names inodes (ino, sdev, handle), which a restore may change. */
function watchLines(pid: number, fd: number): string[] {
  return fs
    .readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8')
    .split('\n')
    .filter((line) => /^(inotify|fanotify|flags:)/.test(line))
    .map((line) => line.replace(/\s+(ino|sdev|fhandle-bytes|fhandle-type|f_handle):\S+/g, ''));
}

function scratchDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-fsnotify-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('inotify watches keep their wds, masks and paths, and fanotify marks their masks, across dump, kill and restore', { timeout: 30_000 }, async (t) => {
  const dir = scratchDir(t);
  const watchedDir = path.join(dir, 'tree');
  fs.mkdirSync(watchedDir);
  const start = usePrograms(t);
  const program = await start('restore-fsnotify', [watchedDir]);
  const instance = Number(program.infoValue('inotify'));
  const fanotify = Number(program.infoValue('fanotify'));
  const notifyFds = fanotify < 0 ? [instance] : [instance, fanotify];
  const fdsBefore = fdsOf(program.pid);
  const linesBefore = notifyFds.map((fd) => watchLines(program.pid, fd));
  const images = path.join(dir, 'images');
  await dump({ pid: asPid(program.pid), imagesDir: images, leaveRunning: false, shellJob: false });

  const checkpoint = await readCheckpoint(images);
  const table = checkpoint.fdTables.get(findTask(checkpoint, asPid(program.pid)).ids?.files ?? -1);
  const entry = table?.fds.find((candidate) => candidate.fd === instance);
  assert.ok(entry !== undefined);
  const file = checkpoint.files.get(entry.file) as Inotify;
  assert.deepEqual(
    file.watches.map((watch) => [watch.wd, watch.path]).sort(),
    [[1, path.join(watchedDir, 'watched')], [3, path.join(watchedDir, 'file')]],
  );

  await program.kill({ freePid: true });
  await restore({ imagesDir: images, detached: true, shellJob: false });
  assert.deepEqual(fdsOf(program.pid), fdsBefore);
  assert.deepEqual(
    notifyFds.map((fd) => watchLines(program.pid, fd)),
    linesBefore,
  );
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('an inotify instance with unread events is refused, and the task still reads them', { timeout: 30_000 }, async (t) => {
  const dir = scratchDir(t);
  const start = usePrograms(t);
  const program = await start('restore-fsnotify', [dir, 'queued']);
  const instance = Number(program.infoValue('inotify'));
  await assert.rejects(
    dump({ pid: asPid(program.pid), imagesDir: path.join(dir, 'images'), leaveRunning: false, shellJob: false }),
    new RegExp(`task ${program.pid} fd ${instance}: inotify instance holds 16 bytes of unread events`),
  );
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
