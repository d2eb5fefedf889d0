import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { fileAt, findFile, readCheckpoint, type Checkpoint, type FileId, type QueuedPacket } from '../../src/model';
import { restore } from '../../src/restore';
import { asFd, asPid } from '../../src/sys/types';
import { hasPythonCrit, imagesDir, runAmber } from '../dump/images';
import { usePrograms } from '../harness/programs';
import { fdsOf } from './live';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');

function packetWith(checkpoint: Checkpoint, text: string): QueuedPacket {
  const packet = checkpoint.socketQueues.find((candidate) => candidate.data.toString() === text);
  assert.ok(packet !== undefined, `no queued message "${text}"`);
  return packet;
}

const kinds = (checkpoint: Checkpoint, ids: readonly FileId[]): string[] => ids.map((id) => findFile(checkpoint, id).kind);

interface CritPacket {
  id_for: number;
  length: number;
  scm?: { type: number; rights: number[] }[];
  ucred?: { uid: number; gid: number; pid: number };
}

test('files and credentials in flight on unix sockets survive restore, sharing ids with the fds that hold them', { timeout: 30_000 }, async (t) => {
  const dir = imagesDir(t, 'scm-rights');
  const start = usePrograms(t);
  const program = await start('restore-scm-rights', [dir]);
  const pid = asPid(program.pid);
  const loopFd = asFd(Number(program.infoValue('loop')));
  const before = fdsOf(program.pid);
  const images = path.join(dir, 'images');
  await dump({ pid, imagesDir: images, leaveRunning: false, shellJob: false });

  const checkpoint = await readCheckpoint(images);
  const twoFiles = packetWith(checkpoint, 'two files');
  assert.deepEqual(kinds(checkpoint, twoFiles.filesInFlight), ['pipe', 'regular']);
  const [pipeEnd, file] = twoFiles.filesInFlight.map((id) => findFile(checkpoint, id));
  const writeEnd = [...checkpoint.files.values()].find((candidate) => candidate.kind === 'pipe' && candidate.flags.writeOnly);
  assert.ok(pipeEnd.kind === 'pipe' && writeEnd?.kind === 'pipe' && pipeEnd.pipe === writeEnd.pipe, 'the pipe in flight is the pipe the task writes to');
  assert.ok(file.kind === 'regular' && file.position === 4n, 'the file in flight is at offset 4');
  assert.deepEqual(kinds(checkpoint, packetWith(checkpoint, 'a socket').filesInFlight), ['unix-socket']);
  assert.equal(packetWith(checkpoint, 'inner data').socket, packetWith(checkpoint, 'a socket').filesInFlight[0], 'the socket in flight has its own queue');
  assert.deepEqual(packetWith(checkpoint, 'no files').filesInFlight, []);
  const counter = packetWith(checkpoint, 'a counter');
  assert.deepEqual(kinds(checkpoint, counter.filesInFlight), ['eventfd']);
  assert.deepEqual(counter.sender, { pid, uid: process.getuid?.(), gid: process.getgid?.() });
  const loop = fileAt(checkpoint, pid, loopFd).id;
  assert.deepEqual(packetWith(checkpoint, 'itself').filesInFlight, [loop], 'the socket in its own queue shares the id of its fd');
  const [flyingLoop] = packetWith(checkpoint, 'a loop').filesInFlight;
  const flyingItself = packetWith(checkpoint, 'itself, in flight');
  assert.deepEqual([flyingItself.socket, flyingItself.filesInFlight], [flyingLoop, [flyingLoop]], 'a socket only in flight carries itself');

  await t.test("crit decode shows the scm and ucred fields as CRIU names them, as Debian's crit does", () => {
    const image = path.join(images, 'sk-queues.img');
    const json = execFileSync(process.execPath, [CLI, 'crit', 'decode', '-i', image], { encoding: 'utf8' });
    const entries = JSON.parse(json).entries as CritPacket[];
    if (hasPythonCrit) {
      // Debian's crit is CRIU 3.17's, older than the ucred field (CRIU 4.0), which it skips.
      const withoutUcred = entries.map(({ ucred: _ucred, ...rest }) => rest);
      assert.deepEqual(JSON.parse(execFileSync('crit', ['decode', '-i', image], { encoding: 'utf8' })).entries, withoutUcred);
    }
    const twoFilesEntry = entries.find((entry) => entry.length === 9 && entry.scm?.[0]?.rights.length === 2);
    assert.deepEqual(twoFilesEntry?.scm, [{ type: 1, rights: twoFiles.filesInFlight }]);
    const counterEntry = entries.find((entry) => entry.ucred !== undefined);
    assert.deepEqual(counterEntry?.ucred, { uid: counter.sender?.uid, gid: counter.sender?.gid, pid });
    assert.deepEqual(Object.keys(counterEntry ?? {}), ['id_for', 'length', 'scm', 'ucred', 'extra']);
  });

  await program.kill({ freePid: true });
  await restore({ imagesDir: images, detached: true, shellJob: false });
  assert.deepEqual(fdsOf(program.pid), before);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('dump refuses an epoll instance in flight with one line naming the socket, writes nothing and leaves the task running', { timeout: 30_000 }, async (t) => {
  const dir = imagesDir(t, 'epoll-in-flight');
  const start = usePrograms(t);
  const program = await start('restore-scm-rights', [dir, 'epoll']);
  const images = path.join(dir, 'images');
  fs.mkdirSync(images);
  const { status, stderr } = runAmber(['dump', '-t', String(program.pid), '-D', images]);
  assert.notEqual(status, 0);
  const carrier = program.infoValue('epoll_carrier');
  assert.match(stderr.trim(), new RegExp(`^amber: task ${program.pid} fd ${carrier}: has an epoll instance in flight \\(SCM_RIGHTS\\), which amber does not dump yet$`));
  assert.deepEqual(fs.readdirSync(images), [], 'no images are left behind');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
