import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readTimers } from '../../src/proc/timers';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { dumpKillRestore } from './cycle';

/** sigev_notify of a timer that signals the process, of one that does not signal, and of one that signals one thread. */
const SIGEV_SIGNAL = 0;
const SIGEV_NONE = 1;
const SIGEV_THREAD_ID = 4;

test('POSIX timers come back under their ids: a periodic one keeps ticking with its value, a one-shot for one thread fires once, a silent one counts on', { timeout: 30_000 }, async (t) => {
  const program = await usePrograms(t)('restore-posix-timers');
  const pid = asPid(program.pid);
  const [periodic, oneShot, silent, worker] = ['timer.periodic', 'timer.one_shot', 'timer.silent', 'tid.worker'].map((key) => Number(program.infoValue(key)));
  const listed = readTimers(pid);
  const task = await dumpKillRestore(t, program);

  const timers = new Map((task.process.timers?.posix ?? []).map((timer) => [timer.id, timer]));
  assert.deepEqual([...timers.keys()].sort(), [periodic, oneShot, silent].sort(), 'the checkpoint has every timer');
  assert.deepEqual(timers.get(periodic)?.interval, { seconds: 0n, nanoseconds: 20_000_000n });
  assert.equal(timers.get(periodic)?.notify, SIGEV_SIGNAL);
  assert.equal(timers.get(silent)?.notify, SIGEV_NONE);
  const single = timers.get(oneShot);
  assert.ok(single !== undefined && single.remaining.seconds * 1_000_000_000n + single.remaining.nanoseconds > 0n, 'the one-shot was still armed at the dump');
  assert.equal(single.notify, SIGEV_THREAD_ID);
  assert.equal(single.notifyThread, worker);
  assert.deepEqual(readTimers(pid), listed, '/proc/PID/timers lists the same timers as before');

  program.requestCheck();
  assert.equal(await program.verdict(10_000), 'PASS');
});
