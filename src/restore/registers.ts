/**
 * A thread's CPU state: FPU/SSE/AVX state into its XSAVE area, and the
 * general registers it resumes with.
 */
import { AmberError } from '../errors';
import type { CpuState, FpuState } from '../model';
import { fillFxsaveArea, FXSAVE_SIZE, writeWords32, XSTATE_BV_OFFSET, YMM_UPPER_OFFSET } from '../model/fpu-layout';
import { NoteType } from '../sys/constants';
import * as ptrace from '../sys/ptrace';
import { asRegister, asSigned, type GpRegisterName, type GpRegs } from '../sys/regs';
import { Syscall } from '../sys/syscall-numbers';
import type { Tid } from '../sys/types';

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
/** x87, SSE and AVX: the components amber writes; the others start in their initial state. */
const WRITTEN_COMPONENTS = 0x7n;

/**
 * The registers the thread resumes with. A thread dumped inside a syscall
 * that a signal interrupted would have had the kernel restart it; the
 * restored thread restarts it itself, back at its syscall instruction with
 * its arguments. A call that would have gone on through its restart block
 * (-ERESTART_RESTARTBLOCK: relative sleeps, poll and futex waits with a
 * timeout) cannot, as that block stayed in the dumped kernel; it is issued
 * again instead. nanosleep and a relative clock_nanosleep have written the
 * time left into their rem argument (nanosleep(2)), so they sleep that: the
 * time the task spent checkpointed counts as stopped time, as under
 * SIGSTOP. Without rem, and for the other calls, the time left is only in
 * the lost block: the whole original timeout again is the best available,
 * a call that ends late rather than early or with EINTR. A thread
 * interrupted in restart_syscall itself cannot say which call it was
 * restarting; a fresh restart block makes that call end with EINTR.
 */
export function resumeRegisters(saved: GpRegs): GpRegs {
  const regs = { ...saved };
  const nr = asSigned(saved.orig_rax);
  if (nr >= 0n && RESTART_RESULTS.includes(asSigned(saved.rax))) {
    regs.rax = saved.orig_rax;
    regs.rip = saved.rip - SYSCALL_INSTRUCTION_LENGTH;
    const sleep = asSigned(saved.rax) === ERESTART_RESTARTBLOCK ? SLEEP_ARGUMENTS.get(Number(nr)) : undefined;
    if (sleep !== undefined && saved[sleep.remaining] !== 0n) regs[sleep.request] = saved[sleep.remaining];
  }
  regs.orig_rax = asRegister(-1n);
  return regs;
}

/** Writes the FPU state into the thread's XSAVE area (read first, so its layout is this CPU's). */
export function restoreFpu(tid: Tid, fpu: FpuState): void {
  const area = ptrace.getXstate(tid);
  if (area.length < YMM_UPPER_OFFSET) {
    const legacy = Buffer.alloc(FXSAVE_SIZE);
    fillFxsaveArea(legacy, fpu);
    ptrace.setRegset(tid, NoteType.PrFpReg, legacy);
    return;
  }
  fillFxsaveArea(area, fpu);
  const components = (fpu.xsave?.components ?? 0x3n) & WRITTEN_COMPONENTS;
  area.writeBigUInt64LE(components, XSTATE_BV_OFFSET);
  const ymm = fpu.xsave?.ymmUpper ?? [];
  if (ymm.length > 0) {
    if (area.length < YMM_UPPER_OFFSET + 4 * ymm.length) throw new AmberError(`thread ${tid}: this CPU's XSAVE area has no room for AVX state`);
    writeWords32(area, YMM_UPPER_OFFSET, ymm);
  }
  ptrace.setXstate(tid, area);
}

/** The thread's final CPU state; registers take effect when it next returns to user space. */
export function finalRegisters(cpu: CpuState | undefined, who: string): GpRegs {
  if (cpu === undefined) throw new AmberError(`${who}: the checkpoint has no CPU state for it`);
  if (cpu.registerMode === 'COMPAT') throw new AmberError(`${who}: restoring 32-bit tasks is not supported`);
  return resumeRegisters(cpu.registers);
}

