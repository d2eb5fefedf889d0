import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test, type TestContext } from 'node:test';
import { boundDatagramSocket, listeningStreamSocket } from '../harness/outside-sockets';
import { killAndWaitGone } from '../harness/processes';
import { usePrograms } from '../harness/programs';
import { imagesDir, runAmber } from './images';

interface Refusal {
  /** Matches the one line, given the program's pid and the fd of its socket. */
  expected: (pid: number, fd: string) => RegExp;
  /** Options for amber's dump. */
  options?: string[];
  /** Runs once the program is ready, before the dump. */
  settle?: () => Promise<void> | void;
  /** Dump the program's child (INFO child=) instead of the program. */
  child?: boolean;
}

/** Dumps the program (or its child), expecting a one-line refusal about its fd `socket`, no images left and the program unharmed. */
async function expectRefusal(t: TestContext, args: string[], { expected, options = [], settle, child = false }: Refusal): Promise<void> {
  const start = usePrograms(t);
  const program = await start('dump-socket', args);
  const dumped = child ? Number(program.infoValue('child')) : program.pid;
  if (child) t.after(() => killAndWaitGone(dumped));
  await settle?.();
  const dir = imagesDir(t, 'refuse');
  const { status, stderr } = runAmber(['dump', '-t', String(dumped), '-D', dir, ...options]);
  assert.notEqual(status, 0);
  assert.match(stderr.trim(), expected(dumped, program.infoValue('socket')));
  assert.deepEqual(fs.readdirSync(dir), [], 'no images are left behind');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
}

test('dump refuses a UDP socket with one line naming task, fd and kind, writes nothing and leaves the task running', async (t) => {
  await expectRefusal(t, [], { expected: (pid, fd) => new RegExp(`^amber: task ${pid} fd ${fd}: UDP socket is not supported yet$`) });
});

test('dump refuses a unix stream socket whose peer is outside the tree, also with --ext-unix-sk', async (t) => {
  const listener = listeningStreamSocket(t);
  const expected = (pid: number, fd: string): RegExp =>
    new RegExp(`^amber: task ${pid} fd ${fd}: unix stream socket connected to socket:\\[\\d+\\] outside the dumped tree; half of a connection cannot be dumped \\(--ext-unix-sk takes datagram sockets only\\)$`);
  await expectRefusal(t, ['stream', listener.path], { expected, settle: listener.accept });
  await expectRefusal(t, ['stream', listener.path], { expected, settle: listener.accept, options: ['--ext-unix-sk'] });
});

test('dump refuses a unix datagram socket connected outside the tree without --ext-unix-sk, and leaves its queue', async (t) => {
  const outside = boundDatagramSocket(t);
  const expected = (pid: number, fd: string): RegExp =>
    new RegExp(`^amber: task ${pid} fd ${fd}: unix datagram socket connected to socket:\\[\\d+\\] outside the dumped tree; pass --ext-unix-sk to dump it and connect it to that socket's name again on restore$`);
  await expectRefusal(t, ['dgram', outside.path], { expected, settle: () => outside.sendToClient('queued') });
  assert.equal(outside.receive(), 'ping', 'the program still talks to its peer');
});

test('dump refuses a unix datagram socket connected outside the tree to a socket without a name, also with --ext-unix-sk', async (t) => {
  const expected = (pid: number, fd: string): RegExp =>
    new RegExp(`^amber: task ${pid} fd ${fd}: unix datagram socket connected to socket:\\[\\d+\\] outside the dumped tree, which has no name to connect to again$`);
  await expectRefusal(t, ['pair'], { expected, child: true, options: ['--ext-unix-sk', '--shell-job'] });
});

test('dump refuses a unix socket waiting to be accepted by a listener outside the tree', async (t) => {
  const listener = listeningStreamSocket(t);
  const expected = (pid: number, fd: string): RegExp =>
    new RegExp(`^amber: task ${pid} fd ${fd}: unix stream socket connected to socket:\\[\\d+\\] outside the dumped tree; half of a connection cannot be dumped \\(--ext-unix-sk takes datagram sockets only\\)$`);
  await expectRefusal(t, ['stream', listener.path], { expected });
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
