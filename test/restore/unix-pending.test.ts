import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { test, type TestContext } from 'node:test';
import { validateCheckpoint } from '../../src/crit/validate';
import { fileAt, readCheckpoint } from '../../src/model';
import { TCP_ESTABLISHED } from '../../src/net/unix-diag';
import { restore } from '../../src/restore';
import { asFd, asPid } from '../../src/sys/types';
import { imagesDir, runAmber } from '../dump/images';
import { killIfAlive } from '../harness/processes';
import type { TestProgram } from '../harness/program';
import { usePrograms } from '../harness/programs';
import { fdsOf } from './live';

test('connections a listener has not accepted yet are queued again on restore, in order, behind its accepted ones', { timeout: 20_000 }, async (t) => {
  const start = usePrograms(t);
  const program = await start('restore-unix-pending', [imagesDir(t, 'pending-socket')]);
  const child = Number(program.infoValue('child'));
  t.after(() => killIfAlive(child));
  const before = [program.pid, child].map(fdsOf);
  const images = imagesDir(t, 'pending');
  const { status, stderr } = runAmber(['dump', '-t', String(program.pid), '-D', images]);
  assert.equal(stderr, '');
  assert.equal(status, 0);

  const checkpoint = await readCheckpoint(images);
  const listener = fileAt(checkpoint, asPid(program.pid), asFd(Number(program.infoValue('listener'))));
  const waiting = fileAt(checkpoint, asPid(program.pid), asFd(Number(program.infoValue('socket'))));
  assert.ok(listener.kind === 'unix-socket' && waiting.kind === 'unix-socket');
  assert.deepEqual([waiting.state, waiting.peerInode], [TCP_ESTABLISHED, listener.inode], 'a waiting connection is recorded as connected to its listener, as CRIU records it');
  assert.deepEqual(await validateCheckpoint(images), []);

  await program.kill({ freePid: true });
  await restore({ imagesDir: images, detached: true, shellJob: false });
  assert.deepEqual([program.pid, child].map(fdsOf), before);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

/**
 * Dumps the program in `variant`, expecting one line about its fd INFO
 * socket= names, no images left and the program unharmed; then runs
 * `afterwards` on it, if given, before its check.
 */
async function expectRefusal(
  t: TestContext,
  variant: string,
  expected: (pid: number, fd: string) => RegExp,
  settle?: (socketPath: string) => Promise<void>,
  afterwards?: (program: TestProgram) => Promise<void>,
): Promise<void> {
  const program = await usePrograms(t)('restore-unix-pending', [imagesDir(t, 'pending-socket'), variant]);
  await settle?.(program.infoValue('path'));
  const images = imagesDir(t, 'refuse-pending');
  const { status, stderr } = runAmber(['dump', '-t', String(program.pid), '-D', images]);
  assert.notEqual(status, 0);
  assert.match(stderr.trim(), expected(program.pid, program.infoValue('socket')));
  assert.deepEqual(fs.readdirSync(images), [], 'no images are left behind');
  await afterwards?.(program);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
}

test('dump refuses a waiting connection that wrote data its listener has not read, and leaves it queued', async (t) => {
  await expectRefusal(t, 'written', (pid, fd) =>
    new RegExp(`^amber: task ${pid} fd ${fd}: unix socket wrote data into its connection to socket:\\[\\d+\\], which has not accepted it yet; it cannot be read back without accepting the connection$`));
});

test('dump refuses a listener holding a connection whose client has closed', async (t) => {
  await expectRefusal(t, 'closed', (pid, fd) =>
    new RegExp(`^amber: task ${pid} fd ${fd}: listening unix socket has a connection not yet accepted whose connecting socket was closed, so what it sent cannot be known$`));
});

test('dump refuses a listener holding a connection from outside the tree; with --ext-unix-sk it leaves that connection out', async (t) => {
  const leftOut = async (program: TestProgram): Promise<void> => {
    const images = imagesDir(t, 'pending-outside');
    const { status, stderr } = runAmber(['dump', '-t', String(program.pid), '-D', images, '-R', '--ext-unix-sk']);
    assert.equal(status, 0);
    assert.match(stderr.trim(), /^\S+ warn {2}dump: task \d+ fd \d+: listening unix socket has a connection not yet accepted from socket:\[\d+\] outside the dumped tree, which the restored tree will not have$/);
    const sockets = [...(await readCheckpoint(images)).files.values()].filter((file) => file.kind === 'unix-socket');
    assert.equal(sockets.length, 1, 'the listener only, not the outside client');
  };
  await expectRefusal(
    t,
    'outside',
    (pid, fd) => new RegExp(`^amber: task ${pid} fd ${fd}: listening unix socket has a connection not yet accepted from socket:\\[\\d+\\] outside the dumped tree; pass --ext-unix-sk to dump it without that connection$`),
    async (socketPath) => {
      const client = net.createConnection(socketPath);
      t.after(() => client.destroy());
      await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject));
    },
    leftOut,
  );
});
