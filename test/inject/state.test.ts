import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { withInjection } from '../../src/sys/inject';
import { readAltStack, readIntervalTimers, readPrctlState, readSignalActions, readThreadName } from '../../src/sys/task-query';
import { asPid, asTid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';

const hex = (value: bigint): string => (value === 0n ? '0' : `0x${value.toString(16)}`);
const SA_SIGINFO = 0x4n;
const SA_RESTART = 0x10000000n;
const SIG_IGN = 1n;
const SIGHUP_BIT = 1n << 0n;

test('injected syscalls read the handlers, altstack, itimers and prctl values the program set', async (t) => {
  const program = await usePrograms(t)('inject-state');
  const info = program.info();
  const pid = program.pid;
  const mapsBefore = fs.readFileSync(`/proc/${pid}/maps`, 'utf8');
  const state = withInjection(asPid(pid), asTid(pid), (session) => ({
    actions: readSignalActions(session),
    altStack: readAltStack(session),
    timers: readIntervalTimers(session),
    prctl: readPrctlState(session),
    name: readThreadName(session),
  }));
  assert.equal(fs.readFileSync(`/proc/${pid}/maps`, 'utf8'), mapsBefore);

  assert.equal(state.actions.size, 62);
  for (const [signal, action] of state.actions) {
    const seen = [action.handler, action.flags, action.restorer, action.mask].map(hex).join(' ');
    assert.equal(seen, info.get(`sigaction.${signal}`), `signal ${signal}`);
  }
  const usr1 = state.actions.get(10);
  assert.ok(usr1 !== undefined && usr1.handler > SIG_IGN);
  assert.equal(usr1.flags & (SA_SIGINFO | SA_RESTART), SA_SIGINFO | SA_RESTART);
  assert.equal(usr1.mask & SIGHUP_BIT, SIGHUP_BIT);
  assert.equal(state.actions.get(1)?.handler, SIG_IGN);

  const [base, , size] = program.infoValue('sigaltstack').split(' ');
  assert.equal(hex(state.altStack.base), base);
  assert.equal(state.altStack.size, BigInt(size));
  // SS_ONSTACK when the stop caught the SIGALRM handler running on it.
  assert.ok([0, 1].includes(state.altStack.flags), `sigaltstack flags ${state.altStack.flags}`);

  const timers = [state.timers.real, state.timers.virtual, state.timers.prof];
  timers.forEach((timer, which) => assert.equal(timer.intervalUs, BigInt(program.infoValue(`itimer.${which}.interval`))));
  // 0 while the expired timer's SIGALRM is pending: the kernel re-arms it when the signal is dequeued.
  assert.ok(state.timers.real.valueUs >= 0n && state.timers.real.valueUs <= 10_000n, `ITIMER_REAL ${state.timers.real.valueUs}`);
  // CPU timers are armed one scheduler tick late (kernel/time/itimer.c), hence the 10 ms of margin.
  assert.ok(state.timers.virtual.valueUs > 49_000_000n && state.timers.virtual.valueUs <= 50_010_000n, `ITIMER_VIRTUAL ${state.timers.virtual.valueUs}`);
  assert.ok(state.timers.prof.valueUs > 69_000_000n && state.timers.prof.valueUs <= 70_010_000n, `ITIMER_PROF ${state.timers.prof.valueUs}`);

  assert.deepEqual(state.prctl, {
    dumpable: Number(program.infoValue('dumpable')),
    pdeathsig: Number(program.infoValue('pdeathsig')),
    childSubreaper: program.infoValue('subreaper') === '1',
    tidAddress: BigInt(program.infoValue('tid_address')),
  });
  assert.equal(state.name, program.infoValue('name'));
  assert.deepEqual([state.name, state.prctl.pdeathsig], ['amber-state', 28]);

  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
  assert.ok(Number(program.infoValue('alarms')) > 0, 'SIGALRM kept coming');
});
