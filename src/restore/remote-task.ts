/**
 * One thread of a task being restored, driven by syscall injection. Unlike
 * a dump's InjectionSession there is nothing of the thread's own to keep:
 * signals that arrive meanwhile (SIGCONT, SIGCHLD of a restored zombie) are
 * dropped, fork and clone events are followed, and the thread's final
 * registers are set at the exit of its last injected syscall.
 */
import { Syscall } from '../sys/syscall-numbers';
import { syscallName } from '../sys/inject';
import { AmberError } from '../errors';
import { readMaps } from '../proc/maps';
import { isSyscallError } from '../sys/native';
import { errnoName } from '../sys/inject';
import * as ptrace from '../sys/ptrace';
import { asRegister, asSigned, parseGpRegs, serializeGpRegs, type GpRegisterName, type GpRegs } from '../sys/regs';
import { describeTask, ptraceFailure, waitForStop, type ThreadStop } from '../sys/thread-stop';
import type { Address, Pid, Tid } from '../sys/types';
import { readTaskMemory } from '../sys/vm';

const ARGUMENT_REGISTERS: readonly GpRegisterName[] = ['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'];
const SYSCALL_INSTRUCTION = Buffer.from([0x0f, 0x05]);
/** Signals dropped while one syscall is injected before amber gives up. */
const MAX_DROPPED_SIGNALS = 100;

/** The first `syscall` instruction of the task's vdso: code that exists in every fresh task. */
export function vdsoSyscallSite(pid: Pid): Address {
  const vdso = readMaps(pid).find((vma) => vma.kind === 'vdso');
  if (vdso === undefined) throw new AmberError(`task ${pid}: has no vdso to run injected syscalls from`);
  const code = readTaskMemory(pid, [{ addr: vdso.start, len: Number(vdso.end - vdso.start) }]);
  const offset = code.indexOf(SYSCALL_INSTRUCTION);
  if (offset < 0) throw new AmberError(`task ${pid}: its vdso holds no syscall instruction`);
  return vdso.start + BigInt(offset);
}

export class RemoteTask {
  /** A fork or clone event seen during the last injected syscall: the new task's pid. */
  private forked: Tid | null = null;

  /** `tid` must be traced by amber and sit in a ptrace stop. */
  constructor(
    readonly pid: Pid,
    readonly tid: Tid,
    private site: Address,
  ) {}

  get name(): string {
    return describeTask(this.pid, this.tid);
  }

  /** Runs later syscalls from the `syscall` instruction at `site`. */
  useSite(site: Address): void {
    this.site = site;
  }

  /** Runs syscall `nr` and returns its raw result (negative values are -errno). */
  syscall(nr: number, ...args: bigint[]): bigint {
    const injected = this.injectedRegs(nr, args);
    this.forked = null;
    this.step('PTRACE_SETREGSET', () => ptrace.setRegs(this.tid, injected));
    this.resume(nr, 'entry');
    this.resume(nr, 'exit');
    return asSigned(parseGpRegs(this.step('PTRACE_GETREGSET', () => ptrace.getRegs(this.tid))).rax);
  }

  /** Like `syscall`, but a failure is an AmberError naming the task, the syscall and `what` it was for. */
  check(what: string, nr: number, ...args: bigint[]): bigint {
    const result = this.syscall(nr, ...args);
    if (result < 0n && result > -4096n) throw new AmberError(`${this.name}: ${what}: ${syscallName(nr)} failed: ${errnoName(Number(-result))}`);
    return result;
  }

  /** The pid of the task that the last injected syscall (fork, clone) created. */
  takeForked(): Tid {
    if (this.forked === null) throw new AmberError(`${this.name}: the injected clone reported no new task`);
    return this.forked;
  }

  /** Sets the thread's final registers; after a syscall they take effect at its exit, with no restart by the kernel. */
  setRegisters(regs: GpRegs): void {
    this.step('PTRACE_SETREGSET', () => ptrace.setRegs(this.tid, serializeGpRegs(regs)));
  }

  /** Runs exit_group(code), which does not return, and lets the thread go to its end. */
  exitWith(code: number): void {
    const regs = this.injectedRegs(Syscall.ExitGroup, [BigInt(code)]);
    this.step('PTRACE_SETREGSET', () => ptrace.setRegs(this.tid, regs));
    this.step('PTRACE_CONT', () => ptrace.cont(this.tid, 0));
  }

  /** Lets the thread go on with `signal` delivered to it (to end a zombie that was killed by one). */
  resumeWithSignal(signal: number): void {
    this.step('PTRACE_CONT', () => ptrace.cont(this.tid, signal));
  }

  detach(): void {
    this.step('PTRACE_DETACH', () => ptrace.detach(this.tid, 0));
  }

  private injectedRegs(nr: number, args: readonly bigint[]): Buffer {
    const regs = parseGpRegs(this.step('PTRACE_GETREGSET', () => ptrace.getRegs(this.tid)));
    regs.rip = this.site;
    regs.rax = BigInt(nr);
    regs.orig_rax = asRegister(-1n);
    ARGUMENT_REGISTERS.forEach((name, i) => {
      regs[name] = asRegister(args[i] ?? 0n);
    });
    return serializeGpRegs(regs);
  }

  /**
   * Resumes to the syscall's entry or exit stop. Signals and group-stops on
   * the way are dropped; a fork or clone event names the new task.
   */
  private resume(nr: number, when: 'entry' | 'exit'): void {
    let dropped = 0;
    while (dropped <= MAX_DROPPED_SIGNALS) {
      this.step('PTRACE_SYSCALL', () => ptrace.resumeToSyscall(this.tid, 0));
      const stop = this.nextStop();
      if (stop.kind === 'syscall') return;
      if (stop.kind === 'ptrace-event') this.forked = Number(this.step('PTRACE_GETEVENTMSG', () => ptrace.getEventMsg(this.tid))) as Tid;
      else dropped++;
    }
    throw new AmberError(`${this.name}: kept receiving signals before the ${when} of injected ${syscallName(nr)}`);
  }

  private nextStop(): ThreadStop {
    const stop = waitForStop(this.pid, this.tid);
    if (stop.kind === 'gone') throw new AmberError(`${this.name}: ${stop.how} during restore`);
    return stop;
  }

  private step<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (e) {
      if (isSyscallError(e, 'ESRCH')) throw new AmberError(`${this.name}: vanished during restore (${what})`);
      throw ptraceFailure(this.pid, this.tid, what, e);
    }
  }
}
