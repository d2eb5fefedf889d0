import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { findTask, readCheckpoint, type Epoll, type EventFd } from '../../src/model';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { fdsOf } from './live';

/** The "tfd:" lines of an epoll's fdinfo without inode numbers, which differ after restore, sorted: the kernel lists them by the address of each file. */
function epollTargets(pid: number, fd: number): string[] {
  return fs
    .readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('tfd:'))
    .map((line) => line.replace(/\s+(pos|ino|sdev):\S+/g, ''))
    .sort();
}

test('eventfds, timerfds, a signalfd and nested epolls work after restore as they did before', { timeout: 20_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-event-fds-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const program = await start('restore-event-fds', []);
  const epoll = Number(program.infoValue('epoll'));
  const fdsBefore = fdsOf(program.pid);
  const targetsBefore = epollTargets(program.pid, epoll);
  const images = path.join(dir, 'images');
  await dump({ pid: asPid(program.pid), imagesDir: images, leaveRunning: false, shellJob: false });

  const checkpoint = await readCheckpoint(images);
  const table = checkpoint.fdTables.get(findTask(checkpoint, asPid(program.pid)).ids?.files ?? -1);
  const fileAt = (fd: number) => checkpoint.files.get(table!.fds.find((entry) => entry.fd === fd)!.file);
  assert.equal((fileAt(Number(program.infoValue('counter'))) as EventFd).counter, 5n);
  assert.equal((fileAt(epoll) as Epoll).targets.length, 3);

  await program.kill({ freePid: true });
  await restore({ imagesDir: images, detached: true, shellJob: false });
  assert.deepEqual(fdsOf(program.pid), fdsBefore);
  assert.deepEqual(epollTargets(program.pid, epoll), targetsBefore);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
