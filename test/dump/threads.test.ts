import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { findTask, readCheckpoint } from '../../src/model';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { imagesDir } from './images';

test('dump -R of a task whose threads sleep, spin and come and go: one core per thread with its own stack and mask, the task goes on', async (t) => {
  const start = usePrograms(t);
  const program = await start('dump-threads');
  const pid = asPid(program.pid);
  const dir = imagesDir(t, 'threads');
  const result = await dump({ pid, imagesDir: dir, leaveRunning: true, shellJob: false });
  const task = findTask(await readCheckpoint(dir), pid);
  assert.equal(task.threads.length, result.threads);
  assert.equal(task.threads[0].tid, pid, 'the main thread comes first');
  for (const [key, value] of program.info()) {
    if (key.startsWith('tid.')) assert.ok(task.threads.some((thread) => thread.tid === Number(value)), `${key} ${value} is dumped`);
  }
  for (const thread of task.threads) {
    assert.ok(thread.cpu !== undefined && thread.core !== undefined, `thread ${thread.tid} has registers and a thread core`);
    assert.ok(thread.cpu.registers.fs_base !== 0n, `thread ${thread.tid} has its TLS base`);
  }
  const threadOf = (name: string) => task.threads.find((thread) => thread.tid === Number(program.infoValue(`tid.${name}`)));
  for (const name of ['sleeper', 'spinner', 'churner']) {
    assert.equal(threadOf(name)?.core?.robustList, BigInt(program.infoValue(`robust.${name}`)), `${name}'s robust futex list`);
    assert.equal(threadOf(name)?.core?.robustListLength, 24, `${name}'s robust list length (struct robust_list_head)`);
  }
  const stack = threadOf('sleeper')?.core?.signalStack;
  assert.equal(stack?.address, BigInt(program.infoValue('alt_stack')));
  assert.equal(stack?.size, 65536n);
  assert.equal(stack?.flags, 0);
  const bit = (signal: number) => 1n << BigInt(signal - 1);
  assert.equal(threadOf('spinner')?.core?.blockedSignals, bit(os.constants.signals.SIGUSR1) | bit(os.constants.signals.SIGUSR2));
  assert.equal(threadOf('churner')?.core?.signalStack?.flags, 2, 'SS_DISABLE where no stack is set');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
