import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_STREAM } from '../../src/sys/constants';
import { close } from '../../src/sys/fd';
import { bind, listen, sockaddrUnix, socket } from '../../src/sys/socket';
import { killAndWaitGone } from '../harness/processes';
import { usePrograms } from '../harness/programs';
import { imagesDir, runAmber } from './images';

/** Dumps the program, expecting a one-line refusal about its fd `socket` that `expected` matches, no images left and the program unharmed. */
async function expectRefusal(t: TestContext, args: string[], expected: (pid: number, fd: string) => RegExp, settled?: Promise<void>): Promise<void> {
  const start = usePrograms(t);
  const program = await start('dump-socket', args);
  await settled;
  const dir = imagesDir(t, 'refuse');
  const { status, stderr } = runAmber(['dump', '-t', String(program.pid), '-D', dir]);
  assert.notEqual(status, 0);
  assert.match(stderr.trim(), expected(program.pid, program.infoValue('socket')));
  assert.deepEqual(fs.readdirSync(dir), [], 'no images are left behind');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
}

test('dump refuses a UDP socket with one line naming task, fd and kind, writes nothing and leaves the task running', async (t) => {
  await expectRefusal(t, [], (pid, fd) => new RegExp(`^amber: task ${pid} fd ${fd}: UDP socket is not supported yet$`));
});

test('dump refuses a unix socket whose peer is outside the tree', async (t) => {
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-outside-'));
  let connected: () => void = () => undefined;
  const accepted = new Promise<void>((resolve) => (connected = resolve));
  const server = net.createServer((connection) => {
    connection.resume();
    connected();
  });
  t.after(() => {
    server.close();
    fs.rmSync(socketDir, { recursive: true, force: true });
  });
  const socketPath = path.join(socketDir, 'outside.sock');
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const outside = (pid: number, fd: string): RegExp =>
    new RegExp(`^amber: task ${pid} fd ${fd}: unix socket connected to socket:\\[\\d+\\] outside the dumped tree \\(--ext-unix-sk is not supported yet\\)$`);
  await expectRefusal(t, [socketPath], outside, accepted);
});

test('dump refuses a unix socket whose connection its listener has not accepted yet', async (t) => {
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-unaccepted-'));
  const listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC);
  t.after(() => {
    close(listener);
    fs.rmSync(socketDir, { recursive: true, force: true });
  });
  const socketPath = path.join(socketDir, 'never-accepts.sock');
  bind(listener, sockaddrUnix(socketPath));
  listen(listener, 1);
  await expectRefusal(t, [socketPath], (pid, fd) => new RegExp(`^amber: task ${pid} fd ${fd}: unix socket connected to a connection its listener has not accepted yet, which amber does not dump yet$`));
});

test('dump of a parent inside vfork says at once that it waits for its child, and leaves both running', async (t) => {
  const program = await usePrograms(t)('dump-vfork');
  const child = Number(program.infoValue('child'));
  t.after(() => killAndWaitGone(child));
  const dir = imagesDir(t, 'vfork');
  const started = Date.now();
  const { status, stderr } = runAmber(['dump', '-t', String(program.pid), '-D', dir]);
  assert.notEqual(status, 0);
  assert.equal(stderr.trim(), `amber: task ${program.pid}: is inside vfork(2) until its child ${child} execs or exits, and cannot be stopped before then`);
  assert.ok(Date.now() - started < 5000, 'amber does not wait for a stop that cannot come');
  assert.deepEqual(fs.readdirSync(dir), [], 'no images are left behind');
  process.kill(child, 'SIGUSR2');
  assert.equal(await program.verdict(), 'PASS');
});

test('dump of a pid that does not exist fails with one line', (t) => {
  const dir = imagesDir(t, 'missing');
  const { status, stderr } = runAmber(['dump', '-t', '999999999', '-D', dir]);
  assert.notEqual(status, 0);
  assert.match(stderr.trim(), /^amber: task 999999999: no such process$/);
});
