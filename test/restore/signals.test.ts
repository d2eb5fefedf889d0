import assert from 'node:assert/strict';
import * as os from 'node:os';
import { test } from 'node:test';
import type { QueuedSignal } from '../../src/model';
import { usePrograms } from '../harness/programs';
import { dumpKillRestore, namedThread } from './cycle';

const signalNumbers = (signals: readonly QueuedSignal[] | undefined): number[] => (signals ?? []).map(({ siginfo }) => siginfo.readInt32LE(0));

test('pending signals come back in their queues with their siginfo: a kill, three sigqueue values and a tgkill to one thread', { timeout: 20_000 }, async (t) => {
  const program = await usePrograms(t)('restore-signals');
  const queued = Number(program.infoValue('signal.queued'));
  const task = await dumpKillRestore(t, program);
  assert.deepEqual(signalNumbers(task.process.pendingSignals), [os.constants.signals.SIGUSR1, queued, queued, queued], 'the process-wide queue, in order');
  assert.deepEqual(signalNumbers(namedThread(task, program, 'worker').core?.pendingSignals), [queued], "the worker's own queue");
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
