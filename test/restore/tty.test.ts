import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { dump } from '../../src/dump';
import { readCheckpoint } from '../../src/model';
import { CONTROLLING_TTY_INFO, terminalsOf } from '../../src/model/tty';
import { restore } from '../../src/restore';
import { close } from '../../src/sys/fd';
import { openPtyPeer, ptyIndex, setPtyLocked } from '../../src/sys/terminal';
import { asPid, type Fd } from '../../src/sys/types';
import type { TestProgram } from '../harness/program';
import { usePrograms } from '../harness/programs';

const AMBER = path.resolve(__dirname, '../../src/cli/main.js');
const { O_RDWR, O_NOCTTY } = fs.constants;

/** A pty of the test's own, closed when the test ends: the terminal amber is run in. */
function ownTerminal(t: TestContext): { slave: Fd; path: string } {
  const master = fs.openSync('/dev/ptmx', O_RDWR | O_NOCTTY) as Fd;
  setPtyLocked(master, false);
  const slave = openPtyPeer(master, O_RDWR | O_NOCTTY);
  t.after(() => [master, slave].forEach(close));
  return { slave, path: `/dev/pts/${ptyIndex(master)}` };
}

/** Waits until `pid` is free again (a killed child is gone once its parent or init reaps it). */
async function untilGone(pid: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (fs.existsSync(`/proc/${pid}`)) {
    assert.ok(Date.now() < deadline, `pid ${pid} is still taken`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Session, controlling terminal (tty_nr) and its foreground group (tpgid) of a process, from /proc/PID/stat. */
function terminalOf(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const [, , , session, ttyNr, foreground] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return `session ${session} tty ${ttyNr} foreground ${foreground}`;
}

function imagesDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-tty-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The pids of the program's children named in its INFO lines, killed when the test ends. */
function childrenOf(t: TestContext, program: TestProgram, names: readonly string[]): number[] {
  const pids = names.map((name) => Number(program.infoValue(name)));
  t.after(() => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
  return pids;
}

test('a pty pair, its settings, queued bytes, the session it controls and a /dev/tty open in it come back', { timeout: 20_000 }, async (t) => {
  const dir = imagesDir(t);
  const program = await usePrograms(t)('restore-tty');
  const children = childrenOf(t, program, ['leader', 'foreground']);
  const before = children.map(terminalOf);
  await dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: false, shellJob: false });

  const terminals = terminalsOf(await readCheckpoint(dir));
  const slave = [...terminals.infos.values()].find((info) => info.kind === 'PTY' && info.id % 2 === 0);
  assert.equal(slave?.winSize?.rows, 33);
  assert.equal(slave?.winSize?.columns, 111);
  assert.equal(slave?.session, children[0]);
  assert.deepEqual(before, children.map(() => `session ${children[0]} tty ${slave?.rdev} foreground ${children[1]}`));
  assert.deepEqual(terminals.data.map((chunk) => chunk.data.toString()).sort(), ['to-master', 'to-slave']);
  const devTty = terminals.infos.get(CONTROLLING_TTY_INFO);
  assert.deepEqual([devTty?.kind, devTty?.session], ['CTTY', children[0]], "the foreground's /dev/tty is its session's terminal");

  await program.kill({ freePid: true });
  await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.deepEqual(children.map(terminalOf), before);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('a dump that leaves the tree running leaves the queued bytes and settings of its pty in place', { timeout: 20_000 }, async (t) => {
  const program = await usePrograms(t)('restore-tty');
  const children = childrenOf(t, program, ['leader', 'foreground']);
  await dump({ pid: asPid(program.pid), imagesDir: imagesDir(t), leaveRunning: true, shellJob: false });
  assert.ok(children.every((pid) => fs.existsSync(`/proc/${pid}`)));
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test("a job on a terminal outside the tree is refused without --shell-job, and with it when amber's stdin is no terminal", { timeout: 20_000 }, async (t) => {
  const dir = imagesDir(t);
  const program = await usePrograms(t)('restore-tty', ['shell-job']);
  const [job] = childrenOf(t, program, ['job']);
  await dump({ pid: asPid(job), imagesDir: dir, leaveRunning: true, shellJob: true });
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
  await assert.rejects(restore({ imagesDir: dir, detached: true, shellJob: false }), /terminal outside the checkpoint.*--shell-job/);
  await assert.rejects(restore({ imagesDir: dir, detached: true, shellJob: true }), /standard input is not a terminal/);
});

test('with --shell-job a job on a terminal outside the tree gets the terminal amber runs in', { timeout: 20_000 }, async (t) => {
  const dir = imagesDir(t);
  const program = await usePrograms(t)('restore-tty', ['shell-job']);
  const [job] = childrenOf(t, program, ['job']);
  await dump({ pid: asPid(job), imagesDir: dir, leaveRunning: false, shellJob: true });
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
  await untilGone(job);

  const terminal = ownTerminal(t);
  const run = spawnSync(process.execPath, [AMBER, 'restore', '-D', dir, '-d', '--shell-job'], { stdio: [terminal.slave, 'pipe', 'pipe'], encoding: 'utf8', timeout: 10_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(fs.readlinkSync(`/proc/${job}/fd/0`), terminal.path);
});
