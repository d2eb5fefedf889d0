import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { withInjection } from '../../src/sys/inject';
import { asSigned } from '../../src/sys/regs';
import { Syscall } from '../../src/sys/syscall-numbers';
import { asPid, asTid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import type { TestProgram } from '../harness/program';
import { injectAndSnapshot, type Resumption, untilBlocked } from '../harness/tracee';

/** rax of a thread stopped in a syscall the kernel will restart (include/linux/errno.h). */
const RESTART_CODES = [-512n, -513n, -514n, -516n];
const EINTR = -4n;
const SESSIONS = 4;

interface Mode {
  name: string;
  /** It reads the test's data from the pipe. */
  readsPipe: boolean;
  /** epoll_wait returns EINTR after any ptrace stop (signal(7)); the stop, not the injection, causes it. */
  eintrAfterStop: boolean;
}

const MODES: Mode[] = [
  { name: 'nanosleep', readsPipe: false, eintrAfterStop: false },
  { name: 'read', readsPipe: true, eintrAfterStop: false },
  { name: 'pause', readsPipe: false, eintrAfterStop: false },
  { name: 'futex', readsPipe: false, eintrAfterStop: false },
  { name: 'epoll', readsPipe: true, eintrAfterStop: true },
  { name: 'sigsuspend', readsPipe: false, eintrAfterStop: false },
];

/**
 * Injects getpid and gettid while the program is blocked, checking that
 * nothing of the thread changed; returns how many ptrace stops that took.
 */
async function injectWhileBlocked(program: TestProgram, mode: Mode, resumption: Resumption): Promise<number> {
  const blockedIn = await untilBlocked(program.pid, program.pid);
  const { result, before, after } = await injectAndSnapshot(program.pid, program.pid, (session) => ({
    pid: session.check(Syscall.Getpid),
    tid: session.check(Syscall.Gettid),
  }), resumption);
  assert.deepEqual(result, { pid: BigInt(program.pid), tid: BigInt(program.pid) });
  assert.equal(asSigned(before.regs.orig_rax), BigInt(blockedIn), 'orig_rax names the syscall it was blocked in');
  const expectedRax = mode.eintrAfterStop ? [EINTR] : RESTART_CODES;
  assert.ok(expectedRax.includes(asSigned(before.regs.rax)), `rax ${asSigned(before.regs.rax)} at the stop`);
  assert.deepEqual(after.regs, before.regs);
  assert.ok(after.xstate.equals(before.xstate), 'XSAVE area unchanged');
  assert.equal(after.maps, before.maps);
  return resumption === 'cont' ? 2 : 1;
}

async function handledCount(program: TestProgram, count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (program.lines(/^HANDLED$/).length < count) {
    assert.ok(Date.now() < deadline, `${count} SIGUSR1 handled`);
    await sleep(5);
  }
}

for (const mode of MODES) {
  for (const restart of ['restart', 'norestart']) {
    test(`injection into a thread blocked in ${mode.name} (SIGUSR1 handler, ${restart}) changes nothing it can see`, async (t) => {
      const program = await usePrograms(t)('inject-blocked', [mode.name, restart]);
      if (mode.name === 'nanosleep') {
        // Inject well inside a sleep: a sleep restarted from scratch would then last too long.
        await program.waitForLine(/^SLEEP 1$/);
        await sleep(150);
      }
      let stops = 0;
      for (let i = 0; i < SESSIONS; i++) stops += await injectWhileBlocked(program, mode, i % 2 === 0 ? 'detach' : 'cont');
      if (mode.readsPipe) {
        fs.writeFileSync(`/proc/${program.pid}/fd/${program.infoValue('pipe')}`, 'amber');
        await program.waitForLine(mode.name === 'read' ? /^DATA r$/ : /^DATA amber$/);
      }
      // The signal must find it back inside its syscall, or there is no syscall for the handler to interrupt.
      await untilBlocked(program.pid, program.pid);
      program.signal('SIGUSR1');
      await handledCount(program, 1);
      stops += await injectWhileBlocked(program, mode, 'cont');
      // Let it take in what the last stop did before it is asked to count.
      await untilBlocked(program.pid, program.pid);
      program.requestCheck();
      assert.equal(await program.verdict(), 'PASS');
      const [counts] = program.lines(/^COUNTS handled=(\d+) eintr=\d+ stop_eintr=(\d+)/);
      assert.equal(counts[1], '1', 'handled signals');
      assert.equal(Number(counts[2]), mode.eintrAfterStop ? stops : 0, 'EINTR caused by the stops');
      if (mode.readsPipe) {
        assert.equal(program.lines(/^DATA (.*)$/).map((m) => m[1]).join(''), 'amber', 'data read exactly once');
      }
    });
  }
}

for (const mode of MODES) {
  for (const restart of ['restart', 'norestart']) {
    test(`a signal that arrives during injection into ${mode.name} (${restart}) is delivered as it would have been`, async (t) => {
      const program = await usePrograms(t)('inject-blocked', [mode.name, restart]);
      await untilBlocked(program.pid, program.pid);
      const pids = withInjection(asPid(program.pid), asTid(program.pid), (session) => {
        const first = session.check(Syscall.Getpid);
        program.signal('SIGUSR1');
        // The thread meets the signal on its way to this syscall: it is delivered, then the syscall runs.
        return [first, session.check(Syscall.Getpid)];
      });
      assert.deepEqual(pids, [BigInt(program.pid), BigInt(program.pid)]);
      await handledCount(program, 1);
      await untilBlocked(program.pid, program.pid);
      program.requestCheck();
      assert.equal(await program.verdict(), 'PASS');
      const [counts] = program.lines(/^COUNTS handled=(\d+) eintr=\d+ stop_eintr=(\d+)/);
      assert.equal(counts[1], '1', 'handled signals');
      // epoll_wait's EINTR after the stop is the one the handler explains: no EINTR goes unexplained.
      assert.equal(counts[2], '0', 'EINTR without a handler');
    });
  }
}
