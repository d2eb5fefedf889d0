import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Syscall } from '../../src/sys/syscall-numbers';
import { usePrograms } from '../harness/programs';
import { dumpKillRestore, namedThread } from './cycle';

const SLEEPERS: Record<string, Syscall> = {
  nanosleep: Syscall.Nanosleep,
  clock_nanosleep_rem: Syscall.ClockNanosleep,
  clock_nanosleep: Syscall.ClockNanosleep,
  poll: Syscall.Poll,
  futex: Syscall.Futex,
};

test('threads dumped asleep in nanosleep, clock_nanosleep, poll and a futex wait sleep on after restore: no EINTR, not early, not late', { timeout: 30_000 }, async (t) => {
  const program = await usePrograms(t)('restore-sleepers');
  const task = await dumpKillRestore(t, program);
  for (const [name, nr] of Object.entries(SLEEPERS)) {
    const registers = namedThread(task, program, name).cpu?.registers;
    assert.equal(registers?.orig_rax, BigInt(nr), `${name} was dumped inside its syscall`);
    assert.equal(registers.rax, BigInt(nr), `${name} was dumped ready to issue its syscall again`);
  }
  program.requestCheck();
  assert.equal(await program.verdict(15_000), 'PASS');
});
