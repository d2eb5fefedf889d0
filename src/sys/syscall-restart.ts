/** Restarting a syscall that a signal interrupted, from outside the kernel. */
import { asSigned, type GpRegisterName, type GpRegs } from './regs';
import { Syscall } from './syscall-numbers';

/** Kernel-internal results of a syscall that a signal interrupted (include/linux/errno.h). */
const ERESTARTSYS = -512n;
const ERESTARTNOINTR = -513n;
const ERESTARTNOHAND = -514n;
const ERESTART_RESTARTBLOCK = -516n;
const RESTART_RESULTS = [ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK];
const SYSCALL_INSTRUCTION_LENGTH = 2n;
/** Where the sleeps that report the time left keep their request and rem pointers. */
const SLEEP_ARGUMENTS: ReadonlyMap<number, { request: GpRegisterName; remaining: GpRegisterName }> = new Map([
  [Syscall.Nanosleep, { request: 'rdi', remaining: 'rsi' }],
  [Syscall.ClockNanosleep, { request: 'rdx', remaining: 'r10' }],
]);

/**
 * The registers of a thread stopped in a syscall that a signal
 * interrupted, as the kernel's restart would leave them
 * (arch/x86/kernel/signal.c): back at its syscall instruction with its
 * number and arguments, for a restored thread or one that rt_sigreturn
 * resumes, neither of which the kernel restarts itself. A call that would
 * have gone on through its restart block (-ERESTART_RESTARTBLOCK: relative
 * sleeps, poll and futex waits with a timeout) cannot, as that block stayed in the dumped kernel; it is issued
 * again instead. nanosleep and a relative clock_nanosleep have written the
 * time left into their rem argument (nanosleep(2)), so they sleep that: the
 * time the task spent checkpointed counts as stopped time, as under
 * SIGSTOP. Without rem, and for the other calls, the time left is only in
 * the lost block: the whole original timeout again is the best available,
 * a call that ends late rather than early or with EINTR. A thread
 * interrupted in restart_syscall itself cannot say which call it was
 * restarting; a fresh restart block makes that call end with EINTR.
 * Registers of a thread not in such a syscall come back unchanged.
 */
export function restartedRegisters(saved: GpRegs): GpRegs {
  const regs = { ...saved };
  const nr = asSigned(saved.orig_rax);
  if (nr >= 0n && RESTART_RESULTS.includes(asSigned(saved.rax))) {
    regs.rax = saved.orig_rax;
    regs.rip = saved.rip - SYSCALL_INSTRUCTION_LENGTH;
    const sleep = asSigned(saved.rax) === ERESTART_RESTARTBLOCK ? SLEEP_ARGUMENTS.get(Number(nr)) : undefined;
    if (sleep !== undefined && saved[sleep.remaining] !== 0n) regs[sleep.request] = saved[sleep.remaining];
  }
  return regs;
}
