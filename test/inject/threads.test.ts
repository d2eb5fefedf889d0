import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AmberError } from '../../src/errors';
import { withInjection } from '../../src/sys/inject';
import { Syscall } from '../../src/sys/syscall-numbers';
import { asPid, asTid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { injectAndSnapshot } from '../harness/tracee';

const ROUNDS = 10;

test('injection into one thread while the others run, start and end threads', async (t) => {
  const program = await usePrograms(t)('inject-threads');
  const pid = program.pid;
  const targets = new Map([
    ['main', pid],
    ...['sleeper', 'spinner', 'churner'].map((name) => [name, Number(program.infoValue(`tid.${name}`))] as [string, number]),
  ]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, tid] of targets) {
      const { result, before, after } = await injectAndSnapshot(pid, tid, (session) => [
        session.check(Syscall.Getpid),
        session.check(Syscall.Gettid),
      ]);
      assert.deepEqual(result, [BigInt(pid), BigInt(tid)], name);
      assert.deepEqual(after.regs, before.regs, name);
      assert.ok(after.xstate.equals(before.xstate), `${name}: XSAVE area unchanged`);
    }
  }
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('a thread that ends before or during injection is a one-line error, or injected if it lives long enough', async (t) => {
  const program = await usePrograms(t)('inject-threads');
  const pid = program.pid;
  const known = new Set([pid, ...['sleeper', 'spinner', 'churner'].map((name) => Number(program.infoValue(`tid.${name}`)))]);
  const outcomes = { injected: 0, gone: 0 };
  const deadline = Date.now() + 3000;
  while (outcomes.injected + outcomes.gone < 30 && Date.now() < deadline) {
    const shortLived = fs.readdirSync(`/proc/${pid}/task`).map(Number).find((tid) => !known.has(tid));
    if (shortLived === undefined) {
      await sleep(1);
      continue;
    }
    try {
      const tid = withInjection(asPid(pid), asTid(shortLived), (session) => session.check(Syscall.Gettid));
      assert.equal(tid, BigInt(shortLived));
      outcomes.injected++;
    } catch (e) {
      assert.ok(e instanceof AmberError, String(e));
      assert.match(e.message, new RegExp(`^task ${pid} thread ${shortLived}: [^\\n]+$`));
      outcomes.gone++;
    }
  }
  assert.ok(outcomes.injected + outcomes.gone > 0, 'found short-lived threads');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
