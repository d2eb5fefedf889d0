import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { InjectionSession, withInjection } from '../../src/sys/inject';
import * as ptrace from '../../src/sys/ptrace';
import { type GpRegs, parseGpRegs } from '../../src/sys/regs';
import { Syscall } from '../../src/sys/syscall-numbers';
import { release, seizeAndStop } from '../../src/sys/thread-stop';
import { asPid, asTid } from '../../src/sys/types';
import { readTaskMemory } from '../../src/sys/vm';
import { usePrograms } from '../harness/programs';
import { untilBlocked } from '../harness/tracee';

/** What a thread shows of itself while stopped where it blocks. */
function stoppedState(pid: number): { regs: GpRegs; xstate: Buffer; mask: bigint } {
  seizeAndStop(asPid(pid), asTid(pid));
  try {
    return { regs: parseGpRegs(ptrace.getRegs(asTid(pid))), xstate: ptrace.getXstate(asTid(pid)), mask: ptrace.getSigmask(asTid(pid)) };
  } finally {
    release(asPid(pid), asTid(pid));
  }
}

/**
 * nanosleep is left out: it restarts through its restart block, which
 * rt_sigreturn resets, so a lifeline starts its sleep over (and the
 * program counts a sleep that long as a failure).
 */
for (const mode of ['read', 'pause', 'futex', 'epoll', 'sigsuspend']) {
  test(`a thread in ${mode} whose tracer lets go in the middle of an injected syscall returns to its own state`, async (t) => {
    const program = await usePrograms(t)('inject-blocked', [mode, 'norestart']);
    const pid = asPid(program.pid);
    await untilBlocked(pid, pid);
    const before = stoppedState(pid);
    const maps = fs.readFileSync(`/proc/${pid}/maps`, 'utf8');
    seizeAndStop(pid, asTid(pid));
    const session = InjectionSession.open(pid, asTid(pid));
    assert.ok(session.protected, 'the session has a lifeline');
    const scratch = session.scratch();
    assert.equal(session.check(Syscall.Getcwd, scratch.address, BigInt(scratch.size)) > 0n, true);
    assert.equal(session.check(Syscall.Getpid), BigInt(pid));
    // What the kernel does when the tracer dies: the thread runs on from its syscall-exit stop, without amber.
    ptrace.detach(asTid(pid), 0);
    await untilBlocked(pid, pid);
    const after = stoppedState(pid);
    if (mode === 'epoll') {
      // epoll_wait returns EINTR after any ptrace stop (signal(7)): the program has counted it and come back.
      assert.deepEqual([after.regs.rip, after.regs.rsp, after.regs.orig_rax], [before.regs.rip, before.regs.rsp, before.regs.orig_rax]);
    } else {
      assert.deepEqual(after.regs, before.regs, 'registers back, in the same syscall');
    }
    assert.ok(after.xstate.equals(before.xstate), 'FPU/AVX state back');
    assert.equal(after.mask, before.mask, 'signal mask back');
    assert.equal(fs.readFileSync(`/proc/${pid}/maps`, 'utf8'), maps, 'no mapping added');
    program.requestCheck();
    assert.equal(await program.verdict(), 'PASS');
    const [counts] = program.lines(/^COUNTS handled=\d+ eintr=\d+ stop_eintr=(\d+)/);
    assert.ok(Number(counts[1]) <= (mode === 'epoll' ? 3 : 0), `EINTR only where a ptrace stop explains it: ${counts[0]}`);
  });
}

test('a thread inside an rseq critical section whose tracer lets go during injection is still aborted out of it', async (t) => {
  const program = await usePrograms(t)('inject-rseq');
  const pid = asPid(program.pid);
  const rseqCs = { addr: BigInt(program.infoValue('rseq_cs')), len: 8 };
  for (let attempt = 0; ; attempt++) {
    assert.ok(attempt < 300, 'stopped inside the critical section');
    seizeAndStop(pid, asTid(pid));
    // Most stops find it inside the critical section; the others, between an abort and the next entry.
    if (readTaskMemory(pid, [rseqCs]).readBigUInt64LE(0) !== 0n) break;
    release(pid, asTid(pid));
  }
  const session = InjectionSession.open(pid, asTid(pid));
  assert.ok(session.protected, 'the session has a lifeline');
  assert.equal(session.check(Syscall.Getpid), BigInt(pid));
  ptrace.detach(asTid(pid), 0);
  // Back inside the section with rseq_cs forgotten, it would spin through the check signal and never answer.
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('a thread with no room on its stack for a lifeline is injected unprotected, from a page mapped for the session', async (t) => {
  const program = await usePrograms(t)('inject-cramped');
  const pid = asPid(program.pid);
  await untilBlocked(pid, pid);
  const maps = fs.readFileSync(`/proc/${pid}/maps`, 'utf8');
  const scratchAddress = withInjection(pid, asTid(pid), (session) => {
    assert.equal(session.protected, false, 'no lifeline');
    const scratch = session.scratch();
    assert.equal(session.check(Syscall.Getcwd, scratch.address, BigInt(scratch.size)) > 0n, true);
    assert.equal(scratch.read(0, 1).toString(), '/');
    return scratch.address;
  });
  assert.ok(!maps.includes(scratchAddress.toString(16)), 'the page was one of its own');
  assert.equal(fs.readFileSync(`/proc/${pid}/maps`, 'utf8'), maps, 'and is gone');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('a spinning thread whose tracer lets go during injection keeps its registers, flags and AVX state', async (t) => {
  const program = await usePrograms(t)('dump-invariant');
  const pid = asPid(program.pid);
  const spinner = asTid(Number(program.infoValue('spinner')));
  for (let round = 0; round < 10; round++) {
    seizeAndStop(pid, spinner);
    const session = InjectionSession.open(pid, spinner);
    assert.ok(session.protected, 'the session has a lifeline');
    assert.equal(session.check(Syscall.Gettid), BigInt(spinner));
    ptrace.detach(spinner, 0);
  }
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
