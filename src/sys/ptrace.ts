/** Typed ptrace(2) requests. Every function acts on one thread. */
import { NoteType, USER_REGS_SIZE } from './constants';
import { isSyscallError, native } from './native';
import type { Address, Tid } from './types';

/** Generous upper bound for the XSAVE area (CPUID leaf 0xd reports less on current CPUs). */
const XSTATE_MAX_SIZE = 16384;
/** How many siginfo_t one PTRACE_PEEKSIGINFO call asks for. */
const PEEK_SIGINFO_BATCH = 64;

export interface RseqConfiguration {
  rseqAbiPointer: Address;
  rseqAbiSize: number;
  signature: number;
  flags: number;
}

export function seize(tid: Tid, options: number): void {
  native().ptraceSeize(tid, options);
}

export function interrupt(tid: Tid): void {
  native().ptraceInterrupt(tid);
}

export function cont(tid: Tid, signal = 0): void {
  native().ptraceCont(tid, signal);
}

/** PTRACE_SYSCALL: resume until the next syscall entry or exit. */
export function resumeToSyscall(tid: Tid, signal = 0): void {
  native().ptraceSyscall(tid, signal);
}

export function detach(tid: Tid, signal = 0): void {
  native().ptraceDetach(tid, signal);
}

/** PTRACE_LISTEN: leave a group-stopped tracee stopped but let it report new events. */
export function listen(tid: Tid): void {
  native().ptraceListen(tid);
}

export function setOptions(tid: Tid, options: number): void {
  native().ptraceSetOptions(tid, options);
}

export function getRegset(tid: Tid, note: NoteType, maxSize: number): Buffer {
  return native().ptraceGetRegset(tid, note, maxSize);
}

export function setRegset(tid: Tid, note: NoteType, data: Buffer): void {
  native().ptraceSetRegset(tid, note, data);
}

/** The general registers: struct user_regs_struct (216 bytes). */
export function getRegs(tid: Tid): Buffer {
  return getRegset(tid, NoteType.PrStatus, USER_REGS_SIZE);
}

export function setRegs(tid: Tid, regs: Buffer): void {
  setRegset(tid, NoteType.PrStatus, regs);
}

/** The XSAVE area (FPU, SSE, AVX...), as long as the kernel filled it. */
export function getXstate(tid: Tid): Buffer {
  return getRegset(tid, NoteType.X86Xstate, XSTATE_MAX_SIZE);
}

export function setXstate(tid: Tid, xstate: Buffer): void {
  setRegset(tid, NoteType.X86Xstate, xstate);
}

/** The siginfo_t of the signal that caused the current stop (128 bytes). */
export function getSiginfo(tid: Tid): Buffer {
  return native().ptraceGetSiginfo(tid);
}

export function setSiginfo(tid: Tid, siginfo: Buffer): void {
  native().ptraceSetSiginfo(tid, siginfo);
}

/** Up to `count` queued signals from position `offset`, without dequeuing them. */
export function peekSiginfo(tid: Tid, offset: number, count: number, shared: boolean): Buffer[] {
  return native().ptracePeekSiginfo(tid, offset, count, shared);
}

/** Every queued signal of the thread (shared=false) or of its thread group (shared=true), oldest first. */
export function pendingSignals(tid: Tid, shared: boolean): Buffer[] {
  const all: Buffer[] = [];
  for (;;) {
    const batch = peekSiginfo(tid, all.length, PEEK_SIGINFO_BATCH, shared);
    all.push(...batch);
    if (batch.length < PEEK_SIGINFO_BATCH) return all;
  }
}

/** The blocked-signal mask, bit (n-1) for signal n. */
export function getSigmask(tid: Tid): bigint {
  return native().ptraceGetSigmask(tid);
}

export function setSigmask(tid: Tid, mask: bigint): void {
  native().ptraceSetSigmask(tid, mask);
}

export function getRseqConfiguration(tid: Tid): RseqConfiguration {
  const raw = native().ptraceGetRseqConfiguration(tid);
  return {
    rseqAbiPointer: raw.readBigUInt64LE(0),
    rseqAbiSize: raw.readUInt32LE(8),
    signature: raw.readUInt32LE(12),
    flags: raw.readUInt32LE(16),
  };
}

/** struct user_desc (asm/ldt.h, 16 bytes) of GDT slot `slot` of the thread, as get_thread_area(2) fills it. */
export function getThreadArea(tid: Tid, slot: number): Buffer {
  return native().ptraceGetThreadArea(tid, slot);
}

/** The seccomp filter at `index` as raw BPF instructions; 0 is the first installed (kernel/seccomp.c, get_nth_filter). */
export function seccompGetFilter(tid: Tid, index: number): Buffer {
  return native().ptraceSeccompGetFilter(tid, index);
}

/** Every seccomp filter of the thread, oldest first; empty when it has none. */
export function seccompFilters(tid: Tid): Buffer[] {
  const filters: Buffer[] = [];
  for (;;) {
    try {
      filters.push(seccompGetFilter(tid, filters.length));
    } catch (e) {
      // ENOENT past the last filter; EINVAL when the thread is not in seccomp filter mode at all.
      if (isSyscallError(e, 'ENOENT') || (filters.length === 0 && isSyscallError(e, 'EINVAL'))) return filters;
      throw e;
    }
  }
}

/** PTRACE_GETEVENTMSG: the new tid after a clone event, the exit status before an exit event... */
export function getEventMsg(tid: Tid): bigint {
  return native().ptraceGetEventMsg(tid);
}

export function peekData(tid: Tid, address: Address): bigint {
  return native().ptracePeekData(tid, address);
}

export function pokeData(tid: Tid, address: Address, word: bigint): void {
  native().ptracePokeData(tid, address, word);
}
