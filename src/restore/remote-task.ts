/**
 * One thread of a task being restored, driven by syscall injection. Unlike
 * a dump's InjectionSession there is nothing of the thread's own to keep:
 * signals that arrive meanwhile (SIGCONT, SIGCHLD of a restored zombie) are
 * dropped, fork and clone events are followed, and the thread's final
 * registers are set at the exit of its last injected syscall.
 *
 * Run to its entry and exit stops (PTRACE_SYSCALL), a syscall costs two
 * round trips between amber and the thread. From the scratch page, where
 * an int3 follows the `syscall`, the thread runs on (PTRACE_CONT) to that
 * int3's SIGTRAP instead: one round trip. The kernel forces such a SIGTRAP
 * through, setting its action back to SIG_DFL and unblocking it when the
 * thread ignores or blocks it (force_sig_info_to_task, kernel/signal.c),
 * so the trap is used only while SIGTRAP is unblocked and no injected
 * rt_sigaction has touched its action since a new tree's root set every
 * action to the default (root-inheritance.ts).
 */
import { Syscall } from '../sys/syscall-numbers';
import { errnoName } from '../sys/errno';
import { syscallName } from '../sys/inject';
import { AmberError } from '../errors';
import { readMaps } from '../proc/maps';
import { SIGTRAP } from '../sys/constants';
import { isSyscallError } from '../sys/native';
import * as ptrace from '../sys/ptrace';
import { asRegister, asSigned, parseGpRegs, serializeGpRegs, type GpRegisterName, type GpRegs } from '../sys/regs';
import { waitForStopOrKill } from '../sys/stop-watchdog';
import { describeTask, ptraceFailure, type ThreadStop } from '../sys/thread-stop';
import type { Address, Pid, Tid } from '../sys/types';
import { readTaskMemory } from '../sys/vm';
import { SCRATCH_CODE } from './scratch-layout';

const ARGUMENT_REGISTERS: readonly GpRegisterName[] = ['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'];
const SYSCALL_INSTRUCTION = Buffer.from([0x0f, 0x05]);
/** Signals dropped while one syscall is injected before amber gives up. */
const MAX_DROPPED_SIGNALS = 100;
/** Where rip is at the SIGTRAP of the int3 that follows the `syscall` of the scratch code. */
const TRAP_OFFSET = BigInt(SCRATCH_CODE.length);
/** False from the moment a thread's SIGTRAP action may have changed until a new tree's root has reset every action. */
let trapUsable = true;

const syscallStop = (stop: ThreadStop): ThreadStop | null => (stop.kind === 'syscall' ? stop : null);

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
  /** The registers at the end of the last injected syscall, which the next one starts from; null when not known. */
  private lastRegs: GpRegs | null = null;
  /** Whether the scratch code is at the site; null until looked at. */
  private siteTraps: boolean | null = null;
  /** The thread sits in the SIGTRAP stop that ended the last injected syscall (else in a syscall-exit stop or its first stop). */
  private atTrap = false;

  /** `tid` must be traced by amber and sit in a ptrace stop. */
  constructor(
    readonly pid: Pid,
    readonly tid: Tid,
    private site: Address,
  ) {}

  /** Says that no thread amber drives has an action for SIGTRAP but the default: the trap may be used again. */
  static sigtrapActionsDefault(): void {
    trapUsable = true;
  }

  get name(): string {
    return describeTask(this.pid, this.tid);
  }

  /** Runs later syscalls from the `syscall` instruction at `site`. */
  useSite(site: Address): void {
    this.site = site;
    this.siteTraps = null;
  }

  /** Runs syscall `nr` and returns its raw result (negative values are -errno). */
  syscall(nr: number, ...args: bigint[]): bigint {
    if (nr === Syscall.RtSigaction && args[0] === BigInt(SIGTRAP)) trapUsable = false;
    return this.inject(nr, args, this.mayTrap());
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
    // At a signal-delivery-stop the kernel's restart logic would still act on them.
    if (this.atTrap) this.inject(Syscall.Getpid, [], false);
    this.lastRegs = null;
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
    const regs = { ...(this.lastRegs ?? this.readRegs()) };
    regs.rip = this.site;
    regs.rax = BigInt(nr);
    regs.orig_rax = asRegister(-1n);
    ARGUMENT_REGISTERS.forEach((name, i) => {
      regs[name] = asRegister(args[i] ?? 0n);
    });
    return serializeGpRegs(regs);
  }

  /** Whether the next syscall may run to the trap after the site's `syscall`. */
  private mayTrap(): boolean {
    if (!trapUsable) return false;
    this.siteTraps ??= readTaskMemory(this.pid, [{ addr: this.site, len: SCRATCH_CODE.length }]).equals(SCRATCH_CODE);
    if (!this.siteTraps) return false;
    const mask = this.step('PTRACE_GETSIGMASK', () => ptrace.getSigmask(this.tid));
    return ((mask >> BigInt(SIGTRAP - 1)) & 1n) === 0n;
  }

  private inject(nr: number, args: readonly bigint[], toTrap: boolean): bigint {
    const injected = this.injectedRegs(nr, args);
    this.forked = null;
    this.step('PTRACE_SETREGSET', () => ptrace.setRegs(this.tid, injected));
    this.lastRegs = null;
    this.atTrap = false;
    let regs: GpRegs;
    if (toTrap) {
      const trapAddress = this.site + TRAP_OFFSET;
      regs = this.resumeUntil('PTRACE_CONT', nr, 'the trap after', (stop) => {
        if (stop.kind !== 'signal' || stop.signal !== SIGTRAP) return null;
        const at = this.readRegs();
        return at.rip === trapAddress ? at : null;
      });
    } else {
      this.resumeUntil('PTRACE_SYSCALL', nr, 'the entry of', syscallStop);
      this.resumeUntil('PTRACE_SYSCALL', nr, 'the exit of', syscallStop);
      regs = this.readRegs();
    }
    this.lastRegs = regs;
    this.atTrap = toTrap;
    return asSigned(regs.rax);
  }

  private readRegs(): GpRegs {
    return parseGpRegs(this.step('PTRACE_GETREGSET', () => ptrace.getRegs(this.tid)));
  }

  /**
   * Resumes the thread until `reached` makes something of a stop. Signals
   * and group-stops on the way are dropped; a fork or clone event names the
   * new task.
   */
  private resumeUntil<T>(request: 'PTRACE_SYSCALL' | 'PTRACE_CONT', nr: number, where: string, reached: (stop: ThreadStop) => T | null): T {
    let dropped = 0;
    while (dropped <= MAX_DROPPED_SIGNALS) {
      this.step(request, () => (request === 'PTRACE_CONT' ? ptrace.cont(this.tid, 0) : ptrace.resumeToSyscall(this.tid, 0)));
      const stop = this.nextStop();
      const result = reached(stop);
      if (result !== null) return result;
      if (stop.kind === 'ptrace-event') this.forked = Number(this.step('PTRACE_GETEVENTMSG', () => ptrace.getEventMsg(this.tid))) as Tid;
      else dropped++;
    }
    throw new AmberError(`${this.name}: kept receiving signals before ${where} injected ${syscallName(nr)}`);
  }

  private nextStop(): ThreadStop {
    const stop = waitForStopOrKill(this.pid, this.tid);
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
