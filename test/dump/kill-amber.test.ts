import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMaps } from '../../src/proc/maps';
import { findCode } from '../../src/sys/code-search';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { imagesDir } from './images';

const AMBER = path.resolve(__dirname, '../../src/cli/main.js');
/** Kills stop at whichever limit comes first. */
const MAX_KILLS = 60;
const KILL_BUDGET_MS = 60_000;
/** Every fourth dump runs without -R: amber would kill the tree at its end, so it is killed early in its work. */
const WITHOUT_LEAVE_RUNNING_EVERY = 4;
const EARLY_FRACTION = 0.3;
const POLL_MS = 1;

interface Run {
  amber: ChildProcess;
  exited: Promise<number | null>;
}

function startDump(t: TestContext, pid: number, dir: string, leaveRunning: boolean): Run {
  const amber = spawn(process.execPath, [AMBER, 'dump', '-t', String(pid), '-D', dir, ...(leaveRunning ? ['-R'] : [])], { stdio: 'ignore' });
  t.after(() => {
    if (amber.exitCode === null && amber.signalCode === null) amber.kill('SIGKILL');
  });
  const exited = new Promise<number | null>((resolve) => amber.on('exit', (code) => resolve(code)));
  return { amber, exited };
}

function tids(pid: number): number[] {
  return fs.readdirSync(`/proc/${pid}/task`).map(Number);
}

function tracerOf(pid: number, tid: number): number {
  return Number(/^TracerPid:\s*(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'))?.[1] ?? 0);
}

async function untilTraced(pid: number, run: Run): Promise<boolean> {
  while (tracerOf(pid, pid) === 0) {
    if (run.amber.exitCode !== null) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/** Whether some thread holds injected registers: its pc at the `syscall; ret` amber runs syscalls from, or just past it. */
function insideInjection(pid: number, site: bigint): boolean {
  return tids(pid).some((tid) => {
    const fields = fs.readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'utf8').trim().split(' ');
    if (fields[0] === 'running') return false;
    const pc = BigInt(fields[fields.length - 1]);
    return pc === site || pc === site + 2n;
  });
}

/** How long one dump takes from the start of amber, and from the moment the tree is traced, to its end. */
async function measureDump(t: TestContext, pid: number, dir: string): Promise<{ totalMs: number; tracedMs: number }> {
  const started = Date.now();
  const run = startDump(t, pid, dir, true);
  assert.ok(await untilTraced(pid, run), 'amber traced the program');
  const traced = Date.now();
  assert.equal(await run.exited, 0, 'a dump that is let finish succeeds');
  return { totalMs: Date.now() - started, tracedMs: Date.now() - traced };
}

test('amber killed at any moment of a dump leaves every thread of the task running as it was', async (t) => {
  const program = await usePrograms(t)('dump-invariant');
  const pid = program.pid;
  const dir = imagesDir(t, 'kill-amber');
  const threads = tids(pid).length;
  const site = findCode(asPid(pid), readMaps(asPid(pid)), ['syscallReturn']).syscallReturn;
  assert.ok(site !== undefined, 'the program has a `syscall; ret` for amber to run syscalls from');
  const { totalMs, tracedMs } = await measureDump(t, pid, dir);
  const tally = { kills: 0, insideInjection: 0, finishedFirst: 0, withoutLeaveRunning: 0 };
  const budgetEnd = Date.now() + KILL_BUDGET_MS;
  for (let i = 0; tally.kills < MAX_KILLS && Date.now() < budgetEnd; i++) {
    const leaveRunning = i % WITHOUT_LEAVE_RUNNING_EVERY !== 0;
    const run = startDump(t, pid, dir, leaveRunning);
    if (!leaveRunning) {
      // Early in the traced phase: before amber has dumped the memory and would kill the tree.
      assert.ok(await untilTraced(pid, run), 'amber traced the program');
      await sleep(Math.random() * tracedMs * EARLY_FRACTION);
    } else if (i % 2 === 0) {
      await sleep(Math.random() * totalMs);
    } else if (await untilTraced(pid, run)) {
      await sleep(Math.random() * tracedMs);
    }
    if (run.amber.exitCode !== null) {
      assert.ok(leaveRunning, 'a dump without -R was killed before it ended');
      tally.finishedFirst++;
      continue;
    }
    if (insideInjection(pid, site)) tally.insideInjection++;
    run.amber.kill('SIGKILL');
    await run.exited;
    tally.kills++;
    if (!leaveRunning) tally.withoutLeaveRunning++;
    assert.ok(fs.existsSync(`/proc/${pid}`) && !/^State:\s*Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8')), `kill ${i}: the program lives`);
    assert.equal(tids(pid).length, threads, `kill ${i}: every thread lives`);
    assert.deepEqual(
      tids(pid).filter((tid) => tracerOf(pid, tid) !== 0),
      [],
      `kill ${i}: no thread is left traced`,
    );
  }
  t.diagnostic(`one dump: ${totalMs} ms, ${tracedMs} ms of it traced; ${JSON.stringify(tally)}`);
  assert.ok(tally.kills > 0, 'amber was killed at least once');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
