import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { validateCheckpoint } from '../../src/crit/validate';
import { dump } from '../../src/dump';
import { fdsUsing, fileAt, readCheckpoint, type Checkpoint, type UnixSocket } from '../../src/model';
import { TCP_ESTABLISHED } from '../../src/net/unix-diag';
import { socketFilePath } from '../../src/net/unix-name';
import { restore } from '../../src/restore';
import { SOCK_STREAM } from '../../src/sys/constants';
import { asFd, asPid } from '../../src/sys/types';
import { hasPythonCrit, imagesDir, runAmber } from '../dump/images';
import { boundDatagramSocket, type OutsideDatagramSocket } from '../harness/outside-sockets';
import { killIfAlive, untilGone } from '../harness/processes';
import type { TestProgram } from '../harness/program';
import { usePrograms } from '../harness/programs';
import { fdsOf } from './live';

const unixSockets = (checkpoint: Checkpoint): UnixSocket[] => [...checkpoint.files.values()].filter((file): file is UnixSocket => file.kind === 'unix-socket');

test('unix socket pairs and accepted connections, also with their peer closed, a listener, named datagram sockets and their queued data survive restore', { timeout: 20_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-unix-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const program = await start('restore-unix-sockets', [dir]);
  const child = Number(program.infoValue('child'));
  t.after(() => killIfAlive(child));
  const before = [program.pid, child].map(fdsOf);
  const images = path.join(dir, 'images');
  await dump({ pid: asPid(program.pid), imagesDir: images, leaveRunning: false, shellJob: false });

  const checkpoint = await readCheckpoint(images);
  const sockets = unixSockets(checkpoint);
  assert.equal(sockets.length, 15);
  assert.equal(checkpoint.socketQueues.length, 15, 'one entry per stream queue, one per datagram or record');
  const peerClosed = sockets.filter((socket) => socket.socketType === SOCK_STREAM && socket.peerInode === undefined && socket.state === TCP_ESTABLISHED);
  assert.deepEqual(peerClosed.map((socket) => socket.shutdown), ['BOTH', 'BOTH'], 'the ends whose peer was closed are connected to none and shut down both ways');
  const netNamespace = checkpoint.tasks[0].ids?.netNamespace;
  assert.ok(netNamespace !== undefined);
  assert.deepEqual(new Set(sockets.map((socket) => socket.netNamespace)), new Set([netNamespace]), "every socket names the tasks' network namespace (ns_id), as CRIU writes it");

  await program.kill({ freePid: true });
  await restore({ imagesDir: images, detached: true, shellJob: false });
  assert.deepEqual([program.pid, child].map(fdsOf), before);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

const CLI = path.resolve(__dirname, '../../src/cli/main.js');

/** files.img of `images` as `command ...args decode` prints it. */
const critDecode = (command: string, images: string, ...args: string[]): unknown =>
  JSON.parse(execFileSync(command, [...args, 'decode', '-i', path.join(images, 'files.img')], { encoding: 'utf8' }));

/** Starts dump-socket with a datagram socket connected to a socket of the test's, queues a datagram on it and dumps it with --ext-unix-sk. */
async function dumpConnectedOutside(t: TestContext): Promise<{ program: TestProgram; outside: OutsideDatagramSocket; images: string }> {
  const outside = boundDatagramSocket(t);
  const program = await usePrograms(t)('dump-socket', ['dgram', outside.path]);
  outside.sendToClient('queued');
  const images = imagesDir(t, 'ext-unix-sk');
  const { status, stderr } = runAmber(['dump', '-t', String(program.pid), '-D', images, '--ext-unix-sk']);
  assert.equal(stderr, '');
  assert.equal(status, 0);
  await program.kill({ freePid: true });
  return { program, outside, images };
}

test('with --ext-unix-sk a datagram socket connected outside the tree is connected to that socket again after restore', { timeout: 20_000 }, async (t) => {
  const { program, outside, images } = await dumpConnectedOutside(t);
  const checkpoint = await readCheckpoint(images);
  const socket = fileAt(checkpoint, asPid(program.pid), asFd(Number(program.infoValue('socket'))));
  assert.ok(socket.kind === 'unix-socket');
  const peer = unixSockets(checkpoint).find((file) => file.inode === socket.peerInode);
  assert.ok(peer !== undefined, 'the outside peer has an entry');
  assert.deepEqual([socketFilePath(peer.name), peer.criuFlags, fdsUsing(checkpoint, peer.id)], [outside.path, 1, []], 'named, marked external (USK_EXTERN), used by no fd');
  assert.deepEqual(await validateCheckpoint(images), []);
  if (hasPythonCrit) assert.deepEqual(critDecode('crit', images), critDecode(process.execPath, images, CLI, 'crit'), "Debian's crit reads files.img as amber does");

  await restore({ imagesDir: images, detached: true, shellJob: false });
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
  assert.equal(outside.receive(), 'ping', 'the restored socket sends to the outside socket');
});

test('restore fails with one line naming the task, fd and path when the outside socket is gone', { timeout: 20_000 }, async (t) => {
  const { program, outside, images } = await dumpConnectedOutside(t);
  fs.rmSync(outside.path);
  const expected = `task ${program.pid} fd ${program.infoValue('socket')}: cannot connect its unix socket to ${outside.path} outside the checkpoint again: ENOENT`;
  await assert.rejects(restore({ imagesDir: images, detached: true, shellJob: false }), (e: Error) => e.message === expected);
  await untilGone(program.pid, 5000);
});
