import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asSigned } from '../../src/sys/regs';
import { Syscall } from '../../src/sys/syscall-numbers';
import { usePrograms } from '../harness/programs';
import { dumpKillRestore, namedThread } from './cycle';

/** What a syscall returns inside the kernel when it is to go on through its restart block (include/linux/errno.h). */
const ERESTART_RESTARTBLOCK = -516n;

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
    assert.equal(asSigned(registers.rax), ERESTART_RESTARTBLOCK, `${name} was to restart through its restart block`);
  }
  program.requestCheck();
  assert.equal(await program.verdict(15_000), 'PASS');
});
