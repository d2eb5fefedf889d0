import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AmberError } from '../../src/errors';
import { withInjection } from '../../src/sys/inject';
import { Syscall } from '../../src/sys/syscall-numbers';
import { asPid, asTid } from '../../src/sys/types';
import { usePrograms, withPrograms } from '../harness/programs';

function injectGetpid(pid: number, tid = pid): bigint {
  return withInjection(asPid(pid), asTid(tid), (session) => session.check(Syscall.Getpid));
}

/** Asserts `run` throws a one-line AmberError matching `message`. */
function assertAmberError(run: () => unknown, message: RegExp): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof AmberError, `not an AmberError: ${String(e)}`);
    assert.match(e.message, message);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
}

function unusedPid(): number {
  const pidMax = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  for (let pid = pidMax - 1; pid > 1; pid--) if (!fs.existsSync(`/proc/${pid}`)) return pid;
  throw new Error('no free pid');
}

test('a pid that does not exist', () => {
  const pid = unusedPid();
  assertAmberError(() => injectGetpid(pid), new RegExp(`^task ${pid}: no such task$`));
});

test('a thread id that is not a thread of the process', async (t) => {
  const program = await usePrograms(t)('inject-blocked', ['pause', 'restart']);
  assertAmberError(() => injectGetpid(program.pid, process.pid), new RegExp(`^task ${program.pid} thread ${process.pid}: no such task$`));
  assert.equal(injectGetpid(program.pid), BigInt(program.pid), 'the program can still be injected into');
});

test('processes amber may not trace: a kernel thread, amber itself', () => {
  assertAmberError(() => injectGetpid(2), /^task 2: amber may not trace it \(PTRACE_SEIZE: EPERM\)$/);
  assertAmberError(() => injectGetpid(process.pid), new RegExp(`^task ${process.pid}: amber may not trace it`));
});

test('a zombie', () =>
  withPrograms(async (start) => {
    const program = await start('inject-zombie');
    const zombie = Number(program.infoValue('zombie'));
    while (!/^State:\s*Z/m.test(fs.readFileSync(`/proc/${zombie}/status`, 'utf8'))) await sleep(5);
    assertAmberError(() => injectGetpid(zombie), new RegExp(`^task ${zombie}: has already exited$`));
    program.requestCheck();
    assert.equal(await program.verdict(), 'PASS', 'its parent still reaps it');
  }));

test('a process killed in the middle of a session', async (t) => {
  const program = await usePrograms(t)('inject-blocked', ['pause', 'restart']);
  assertAmberError(
    () =>
      withInjection(asPid(program.pid), asTid(program.pid), (session) => {
        assert.equal(session.check(Syscall.Getpid), BigInt(program.pid));
        process.kill(program.pid, 'SIGKILL');
        return session.check(Syscall.Getpid);
      }),
    new RegExp(`^task ${program.pid}: was killed by signal 9 during injected getpid$`),
  );
  // amber saw it die and let go: nothing of it stays behind on amber's account.
  const deadline = Date.now() + 5000;
  for (;;) {
    const status = fs.existsSync(`/proc/${program.pid}/status`) ? fs.readFileSync(`/proc/${program.pid}/status`, 'utf8') : '';
    if (!status.includes(`TracerPid:\t${process.pid}\n`)) break;
    assert.ok(Date.now() < deadline, 'still traced by amber after the session');
    await sleep(10);
  }
});
