import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { findTask, readCheckpoint, type FifoEnd, type RegularFile } from '../../src/model';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { decodeAll, imagesDir } from './images';

test('dump -R of a FIFO with unread data, a file unlinked while open and dup\'d, a close-on-exec fd and the cwd', async (t) => {
  const start = usePrograms(t);
  const work = imagesDir(t, 'files-work');
  const program = await start('dump-files', [work]);
  const pid = asPid(program.pid);
  const dir = imagesDir(t, 'files');
  await dump({ pid, imagesDir: dir, leaveRunning: true, shellJob: false });
  const kinds = await decodeAll(dir);
  assert.equal(kinds.get('fifo-data.img'), 'FIFO_DATA');
  assert.equal(kinds.get('remap-fpath.img'), 'REMAP_FPATH');
  assert.equal(kinds.get('ghost-file-1.img'), 'GHOST_FILE');

  const checkpoint = await readCheckpoint(dir);
  const task = findTask(checkpoint, pid);
  const fds = checkpoint.fdTables.get(task.ids?.files ?? -1)?.fds ?? [];
  const entry = (fd: number) => fds.find((candidate) => candidate.fd === fd);
  const fileOf = (fd: number) => checkpoint.files.get(entry(fd)!.file);

  const fifo = fileOf(Number(program.infoValue('fifo'))) as FifoEnd;
  assert.equal(fifo.kind, 'fifo');
  const fifoPath = checkpoint.files.get(fifo.pathFile!) as RegularFile;
  assert.equal(fifoPath.path, path.join(work, 'fifo'));
  assert.ok(fifoPath.flags.readWrite);
  assert.deepEqual(checkpoint.fifoContents.map((contents) => contents.data.toString()), ['unread data in the fifo\n']);

  const ghostFd = Number(program.infoValue('ghost'));
  const unlinked = fs.statSync(`/proc/${pid}/fd/${ghostFd}`);
  assert.equal(entry(20)?.file, entry(ghostFd)?.file, 'the dup shares the description');
  const ghost = fileOf(ghostFd) as RegularFile;
  assert.equal(ghost.path, path.join(work, 'ghost.txt'));
  assert.equal(ghost.position, 7n);
  assert.deepEqual(checkpoint.remaps.map((remap) => [remap.file, remap.type]), [[ghost.id, 'GHOST']]);
  assert.equal(checkpoint.ghosts[0].contents?.toString(), 'this file was unlinked while still open\n');
  // st_dev packs major in bits 8-19 and minor in bits 0-7 and 20-31 (makedev(3)); the image keeps major << 20 | minor.
  const [major, minor] = [(unlinked.dev >> 8) & 0xfff, (unlinked.dev & 0xff) | ((unlinked.dev >> 12) & 0xfff00)];
  assert.deepEqual([checkpoint.ghosts[0].device, checkpoint.ghosts[0].inode], [major * 2 ** 20 + minor, BigInt(unlinked.ino)], 'the inode it was, with its device as CRIU keeps it');

  const relative = entry(Number(program.infoValue('relative')));
  assert.ok(relative?.flags.closeOnExec);
  assert.ok(!entry(ghostFd)?.flags.closeOnExec);
  const cwd = checkpoint.files.get(task.fs!.cwd) as RegularFile;
  assert.equal(cwd.path, work);

  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
