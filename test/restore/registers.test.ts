import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resumeRegisters } from '../../src/restore/registers';
import { asRegister, GP_REGISTER_NAMES, type GpRegs } from '../../src/sys/regs';
import { Syscall } from '../../src/sys/syscall-numbers';

const SYSCALL_END = 0x401002n;
const REQUEST = 0x7ffd_0000n;
const REMAINING = 0x7ffd_0100n;

/** Registers of a thread stopped right after a syscall instruction, its call having returned `result`. */
function stoppedIn(nr: number, result: bigint, args: Partial<GpRegs>): GpRegs {
  const regs = Object.fromEntries(GP_REGISTER_NAMES.map((name) => [name, 0n])) as GpRegs;
  return { ...regs, rip: SYSCALL_END, orig_rax: asRegister(BigInt(nr)), rax: asRegister(result), ...args };
}

test('a nanosleep or relative clock_nanosleep cut short resumes at its syscall instruction sleeping the time left in rem', () => {
  const nanosleep = resumeRegisters(stoppedIn(Syscall.Nanosleep, -516n, { rdi: REQUEST, rsi: REMAINING }));
  assert.deepEqual([nanosleep.rip, nanosleep.rax, nanosleep.rdi, nanosleep.rsi], [SYSCALL_END - 2n, BigInt(Syscall.Nanosleep), REMAINING, REMAINING]);
  const clockNanosleep = resumeRegisters(stoppedIn(Syscall.ClockNanosleep, -516n, { rdi: 1n, rdx: REQUEST, r10: REMAINING }));
  assert.deepEqual([clockNanosleep.rdi, clockNanosleep.rsi, clockNanosleep.rdx, clockNanosleep.r10], [1n, 0n, REMAINING, REMAINING]);
  assert.equal(clockNanosleep.orig_rax, asRegister(-1n), 'the kernel restarts nothing itself');
});

test('a sleep without rem, and poll or futex cut short, resume with their original arguments', () => {
  const withoutRem = resumeRegisters(stoppedIn(Syscall.Nanosleep, -516n, { rdi: REQUEST }));
  assert.deepEqual([withoutRem.rip, withoutRem.rax, withoutRem.rdi], [SYSCALL_END - 2n, BigInt(Syscall.Nanosleep), REQUEST]);
  const poll = resumeRegisters(stoppedIn(Syscall.Poll, -516n, { rdi: REQUEST, rsi: 1n, rdx: 5000n }));
  assert.deepEqual([poll.rip, poll.rax, poll.rdi, poll.rsi, poll.rdx], [SYSCALL_END - 2n, BigInt(Syscall.Poll), REQUEST, 1n, 5000n]);
});

test('a syscall that ended, or a thread outside any syscall, resumes where it was', () => {
  const ended = stoppedIn(Syscall.Nanosleep, -4n, { rdi: REQUEST, rsi: REMAINING });
  assert.deepEqual(resumeRegisters(ended), { ...ended, orig_rax: asRegister(-1n) });
  const running = stoppedIn(-1, -516n, {});
  assert.deepEqual(resumeRegisters(running), running);
});
