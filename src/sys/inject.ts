/**
 * Syscall injection: a stopped thread of another process runs system calls
 * of amber's choosing, then goes on exactly as if nothing had happened.
 *
 * The thread must be seized with PTRACE_O_TRACESYSGOOD and sit in a
 * PTRACE_EVENT_STOP (see `seizeAndStop`). Such a stop happens inside the
 * kernel's signal handling, *before* the kernel decides whether to restart
 * an interrupted syscall (arch/x86/kernel/signal.c: it restarts when
 * orig_rax is a syscall number and rax is -ERESTART*). So:
 *
 *  - every injected register set has orig_rax = -1, so the kernel does not
 *    "restart" anything on our behalf; the thread runs from a `syscall`
 *    instruction found in its own code, and PTRACE_SYSCALL stops it at the
 *    syscall's entry and exit;
 *  - if amber dies meanwhile, the kernel lets the thread run on with the
 *    injected registers: a `Lifeline` (a signal frame on its stack, see
 *    lifeline.ts) then brings it back to its own state. A thread whose
 *    stack or code does not allow one runs from the vdso's `syscall` and
 *    gets a mapped scratch page, unprotected;
 *  - at the end the thread is brought back to a PTRACE_EVENT_STOP
 *    (PTRACE_INTERRUPT, then resumed) and gets its saved registers there, so
 *    the kernel's own restart logic sees them unchanged when it resumes;
 *  - a thread with a lifeline has every signal blocked while it holds
 *    injected registers: one that shows up waits until the thread has its
 *    own mask and registers back. Without a lifeline, a signal is delivered
 *    on the thread's saved registers, exactly as the kernel would have
 *    delivered it (SA_RESTART or EINTR), and injection continues from the
 *    stop after it;
 *  - the rseq_cs word of the thread's rseq area is put back too: the kernel
 *    clears it whenever the thread enters user space outside the critical
 *    section it names (rseq(2)), as it does at our syscall instruction, and
 *    a thread stopped inside a critical section must still be aborted.
 *
 * Only syscalls that cannot block and do not touch the thread's
 * restart_block (nanosleep, futex, poll...) may be injected: a thread
 * stopped in nanosleep restarts through that block.
 */
import { AmberError } from '../errors';
import { errnoName } from './errno';
import { logger } from '../log/logger';
import { readMaps, type Vma } from '../proc/maps';
import { findCode } from './code-search';
import { MAP_PRIVATE, PAGE_SIZE, PROT_READ, PROT_WRITE } from './constants';
import { Lifeline, type LifelineCode } from './lifeline';
import { isSyscallError } from './native';
import * as ptrace from './ptrace';
import { asRegister, asSigned, type GpRegisterName, parseGpRegs, serializeGpRegs } from './regs';
import { chooseScratchAddress, ScratchPage } from './scratch';
import { Syscall } from './syscall-numbers';
import { describeTask, ptraceFailure, release, seizeAndStop, type ThreadStop, traceStep, waitForStop } from './thread-stop';
import type { Address, Pid, Tid } from './types';
import { readTaskMemory, writeTaskMemory } from './vm';

const log = logger('ptrace');
const ARGUMENT_REGISTERS: readonly GpRegisterName[] = ['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'];
/** The code segment selector of 64-bit user mode (__USER_CS). */
const USER_CS_64 = 0x33n;
const MAP_ANONYMOUS = 0x20;
const MAP_FIXED_NOREPLACE = 0x100000;
/** Offset of rseq_cs in struct rseq (<linux/rseq.h>). */
const RSEQ_CS_OFFSET = 8n;
/** How long a thread that vanished under a ptrace request gets to report its end. */
const LOSS_TIMEOUT_MS = 1000;
/** Signals delivered during one injected syscall before amber gives up. */
const MAX_INTERRUPTIONS = 100;

/** "rt_sigaction" for Syscall.RtSigaction, "syscall 42" for numbers amber has no name for. */
export function syscallName(nr: number): string {
  const name = Syscall[nr] as string | undefined;
  return name === undefined ? `syscall ${nr}` : name.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '_').toLowerCase();
}

/** A word of task memory to put back as it was. */
interface SavedWord {
  address: Address;
  value: Buffer;
}

/** The thread's rseq_cs word, or null when it has no rseq area (or the kernel cannot say: before 5.13). */
function saveRseqCs(pid: Pid, tid: Tid): SavedWord | null {
  let area: Address;
  try {
    area = ptrace.getRseqConfiguration(tid).rseqAbiPointer;
  } catch (e) {
    if (isSyscallError(e, 'EIO') || isSyscallError(e, 'EINVAL')) return null;
    throw ptraceFailure(pid, tid, 'PTRACE_GET_RSEQ_CONFIGURATION', e);
  }
  if (area === 0n) return null;
  const address = area + RSEQ_CS_OFFSET;
  return { address, value: readTaskMemory(pid, [{ addr: address, len: 8 }]) };
}

/** Signals delivered by `deliver` so far, each of which may have written a handler frame into task memory. */
let deliveredSignals = 0;

/**
 * How many signals injection sessions have delivered to the threads they
 * hold since amber started: memory a signal frame went into may lie far
 * from the thread's stack pointer (sigaltstack(2)).
 */
export const signalsDelivered = (): number => deliveredSignals;

/** Every signal: blocked while a lifeline guards the thread (PTRACE_SETSIGMASK leaves out SIGKILL and SIGSTOP). */
const ALL_SIGNALS = (1n << 64n) - 1n;

export class InjectionSession {
  /** The thread sits in a syscall-exit stop of an injected syscall (else in a PTRACE_EVENT_STOP). */
  private atSyscallExit = false;
  /** The page mapped for buffers when the thread has no lifeline. */
  private scratchPage: ScratchPage | null = null;
  /** The buffer area below the thread's stack pointer when it has one. */
  private stackScratch: ScratchPage | null = null;
  private lifeline: Lifeline | null = null;
  /** The thread's own mask, while amber keeps every signal blocked. */
  private maskWhileBlocked: bigint | null = null;
  private state: 'open' | 'gone' | 'closed' = 'open';
  /** What the session is doing, for errors. */
  private activity = 'syscall injection';

  private constructor(
    readonly pid: Pid,
    readonly tid: Tid,
    /** The thread's own registers (NT_PRSTATUS), put back at the end. */
    private savedRegs: Buffer,
    /** A `syscall` instruction, the vdso's when it has one. */
    private readonly syscallSite: Address,
    /** The code a lifeline needs, or null when the task's code lacks it. */
    private readonly lifelineCode: LifelineCode | null,
    private savedRseqCs: SavedWord | null,
  ) {}

  /** Starts injecting into `tid` of `pid`, which must be seized (PTRACE_O_TRACESYSGOOD) and in a PTRACE_EVENT_STOP. */
  static open(pid: Pid, tid: Tid): InjectionSession {
    const regs = traceStep(pid, tid, 'PTRACE_GETREGSET', () => ptrace.getRegs(tid));
    if (parseGpRegs(regs).cs !== USER_CS_64) throw new AmberError(`${describeTask(pid, tid)}: is not running 64-bit code`);
    const maps = readMaps(pid);
    const { syscall, syscallReturn, sigreturn } = findCode(pid, maps, ['syscall', 'syscallReturn', 'sigreturn']);
    if (syscall === undefined) throw new AmberError(`task ${pid}: no syscall instruction in its executable memory`);
    const lifelineCode = syscallReturn === undefined || sigreturn === undefined ? null : { syscallReturn, sigreturn };
    const session = new InjectionSession(pid, tid, regs, syscall, lifelineCode, saveRseqCs(pid, tid));
    session.lifeline = session.armLifeline(maps);
    return session;
  }

  private get task(): string {
    return describeTask(this.pid, this.tid);
  }

  /** Whether a lifeline brings the thread back to its own state should amber die during the session. */
  get protected(): boolean {
    return this.lifeline !== null;
  }

  /** Runs syscall `nr` in the thread and returns its raw result: negative values are -errno. */
  syscall(nr: number, ...args: bigint[]): bigint {
    if (args.length > ARGUMENT_REGISTERS.length) throw new RangeError(`a syscall takes at most 6 arguments, got ${args.length}`);
    if (this.state !== 'open') throw new AmberError(`${this.task}: injection session is ${this.state}`);
    this.activity = `injected ${syscallName(nr)}`;
    for (let interruptions = 0; interruptions <= MAX_INTERRUPTIONS; interruptions++) {
      this.step('PTRACE_SETREGSET', () => ptrace.setRegs(this.tid, this.injectedRegs(nr, args)));
      this.blockSignals();
      this.step('PTRACE_SYSCALL', () => ptrace.resumeToSyscall(this.tid));
      const entry = this.nextStop();
      this.atSyscallExit = false;
      if (entry.kind === 'signal') {
        this.deliver(entry.signal);
        continue;
      }
      // A group-stop caught the thread on its way: it is back in a PTRACE_EVENT_STOP; go again.
      if (entry.kind === 'event-stop') continue;
      this.expectSyscallStop(entry, nr, 'entry');
      this.step('PTRACE_SYSCALL', () => ptrace.resumeToSyscall(this.tid));
      this.expectSyscallStop(this.nextStop(), nr, 'exit');
      this.atSyscallExit = true;
      return asSigned(parseGpRegs(this.step('PTRACE_GETREGSET', () => ptrace.getRegs(this.tid))).rax);
    }
    throw new AmberError(`${this.task}: kept receiving signals, gave up injecting ${syscallName(nr)}`);
  }

  /** Like `syscall`, but a failure is an AmberError naming the task and the syscall. */
  check(nr: number, ...args: bigint[]): bigint {
    const result = this.syscall(nr, ...args);
    if (result < 0n && result > -4096n) {
      throw new AmberError(`${this.task}: injected ${syscallName(nr)} failed: ${errnoName(Number(-result))}`);
    }
    return result;
  }

  /**
   * Task memory for syscall buffers, gone when the session closes: below the
   * thread's stack pointer when it has a lifeline, else a private page
   * mapped on first use and unmapped by `close`.
   */
  scratch(): ScratchPage {
    if (this.lifeline !== null) {
      this.stackScratch ??= this.lifeline.scratch();
      return this.stackScratch;
    }
    if (this.scratchPage === null) {
      const address = chooseScratchAddress(readMaps(this.pid));
      const flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
      const mapped = this.check(Syscall.Mmap, address, BigInt(PAGE_SIZE), BigInt(PROT_READ | PROT_WRITE), BigInt(flags), -1n, 0n);
      this.scratchPage = new ScratchPage(this.pid, BigInt(mapped), PAGE_SIZE);
      // Kernels before 4.17 take MAP_FIXED_NOREPLACE as a mere hint.
      if (mapped !== address) throw new AmberError(`${this.task}: scratch page landed at 0x${mapped.toString(16)}, not at the free hole chosen`);
    }
    return this.scratchPage;
  }

  /**
   * Unmaps a mapped scratch page, gives the thread back its mask and
   * registers in a PTRACE_EVENT_STOP, then what its stack held below the red
   * zone; the caller then detaches or keeps it stopped.
   */
  close(): void {
    if (this.state !== 'open') return;
    try {
      if (this.scratchPage !== null) this.check(Syscall.Munmap, this.scratchPage.address, BigInt(this.scratchPage.size));
    } finally {
      this.scratchPage = null;
      if (this.state === 'open') this.restore();
      this.state = 'closed';
    }
  }

  /** A lifeline for the thread's current state, or null (logged) when it cannot have one. */
  private armLifeline(maps: readonly Vma[]): Lifeline | null {
    const arming =
      this.lifelineCode === null
        ? { unprotected: 'its code has no `syscall; ret` or no rt_sigreturn restorer' }
        : Lifeline.arm(this.pid, this.tid, parseGpRegs(this.savedRegs), this.savedRseqCs?.value.readBigUInt64LE(0) ?? 0n, this.lifelineCode, maps);
    if ('lifeline' in arming) {
      log.debug(() => `${this.task}: injection guarded by a sigreturn frame`);
      return arming.lifeline;
    }
    log.debug(() => `${this.task}: injection unprotected: ${arming.unprotected}`);
    return null;
  }

  /**
   * A thread with a lifeline gets no signal while amber injects: a handler
   * frame would land on the stack below it, where amber's buffers are.
   * Signals that come meanwhile stay pending until its mask is back. The
   * frame holds the thread's own mask, so only from the moment the thread
   * holds injected registers may the mask change.
   */
  private blockSignals(): void {
    if (this.lifeline === null || this.maskWhileBlocked !== null) return;
    const own = this.step('PTRACE_GETSIGMASK', () => ptrace.getSigmask(this.tid));
    this.step('PTRACE_SETSIGMASK', () => ptrace.setSigmask(this.tid, ALL_SIGNALS));
    this.maskWhileBlocked = own;
  }

  /** Gives the thread its own mask back; before its own registers, while the lifeline still guards it. */
  private unblockSignals(): void {
    const own = this.maskWhileBlocked;
    if (own === null) return;
    this.step('PTRACE_SETSIGMASK', () => ptrace.setSigmask(this.tid, own));
    this.maskWhileBlocked = null;
  }

  private restore(): void {
    this.activity = 'the return to its own registers';
    if (this.atSyscallExit) {
      this.step('PTRACE_INTERRUPT', () => ptrace.interrupt(this.tid));
      this.step('PTRACE_CONT', () => ptrace.cont(this.tid, 0));
      const stop = this.nextStop();
      if (stop.kind === 'signal') this.deliver(stop.signal);
      else if (stop.kind !== 'event-stop') throw this.unexpected(stop, 'while returning to its stop');
      this.atSyscallExit = false;
    }
    this.unblockSignals();
    this.step('PTRACE_SETREGSET', () => ptrace.setRegs(this.tid, this.savedRegs));
    if (this.savedRseqCs !== null) {
      const { address, value } = this.savedRseqCs;
      if (writeTaskMemory(this.pid, [{ addr: address, len: value.length }], value).stoppedAt !== null) {
        throw new AmberError(`${this.task}: cannot put back rseq_cs at 0x${address.toString(16)}`);
      }
    }
    this.lifeline?.disarm();
  }

  /**
   * The thread is in a signal-delivery-stop with our registers: deliver the
   * signal on its own registers instead, so the kernel handles the syscall
   * it was in as it would have, and stop it again right after. With a
   * lifeline only SIGSTOP gets here, every other signal being blocked.
   */
  private deliver(signal: number): void {
    deliveredSignals++;
    this.unblockSignals();
    this.step('PTRACE_SETREGSET', () => ptrace.setRegs(this.tid, this.savedRegs));
    this.lifeline?.disarm();
    this.step('PTRACE_INTERRUPT', () => ptrace.interrupt(this.tid));
    let pending = signal;
    for (;;) {
      this.step('PTRACE_CONT', () => ptrace.cont(this.tid, pending));
      const stop = this.nextStop();
      if (stop.kind === 'event-stop') break;
      if (stop.kind !== 'signal') throw this.unexpected(stop, `while delivering signal ${signal}`);
      pending = stop.signal;
    }
    // Delivery may have set up a handler frame (and left an rseq critical section): this is the state to give back now.
    const before = parseGpRegs(this.savedRegs).rsp;
    this.savedRegs = this.step('PTRACE_GETREGSET', () => ptrace.getRegs(this.tid));
    this.savedRseqCs = saveRseqCs(this.pid, this.tid);
    if (this.lifeline === null) return;
    if (this.stackScratch !== null && parseGpRegs(this.savedRegs).rsp !== before) {
      throw new AmberError(`${this.task}: signal ${signal} moved its stack, where amber's buffers were`);
    }
    this.lifeline = this.armLifeline(readMaps(this.pid));
  }

  private injectedRegs(nr: number, args: readonly bigint[]): Buffer {
    const regs = parseGpRegs(this.savedRegs);
    regs.rip = this.syscallSite;
    this.lifeline?.aim(regs);
    regs.rax = BigInt(nr);
    regs.orig_rax = asRegister(-1n);
    ARGUMENT_REGISTERS.forEach((name, i) => {
      regs[name] = asRegister(args[i] ?? 0n);
    });
    return serializeGpRegs(regs);
  }

  /** Runs one ptrace request; a thread that vanished under it is reported with how it ended. */
  private step<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (e) {
      if (isSyscallError(e, 'ESRCH')) throw this.lost();
      throw ptraceFailure(this.pid, this.tid, what, e);
    }
  }

  private nextStop(): ThreadStop {
    const stop = waitForStop(this.pid, this.tid);
    if (stop.kind === 'gone') throw this.lost(stop);
    return stop;
  }

  /** The thread is dead or dying: collect how it ended (so it does not stay a zombie on our account) and say so. */
  private lost(stop?: ThreadStop): AmberError {
    this.state = 'gone';
    let ending = stop;
    try {
      ending ??= waitForStop(this.pid, this.tid, LOSS_TIMEOUT_MS);
    } catch {
      // It did not report its end in time; say only that it is gone.
    }
    const how = ending?.kind === 'gone' ? ending.how : 'disappeared';
    return new AmberError(`${this.task}: ${how} during ${this.activity}`);
  }

  private expectSyscallStop(stop: ThreadStop, nr: number, when: 'entry' | 'exit'): void {
    if (stop.kind !== 'syscall') throw this.unexpected(stop, `at the ${when} of injected ${syscallName(nr)}`);
  }

  private unexpected(stop: ThreadStop, where: string): AmberError {
    return new AmberError(`${this.task}: unexpected ${JSON.stringify(stop)} ${where}`);
  }
}

/**
 * Seizes and stops one thread, runs `use` with an injection session on it,
 * and lets the thread go on, whatever happens.
 */
export function withInjection<T>(pid: Pid, tid: Tid, use: (session: InjectionSession) => T): T {
  seizeAndStop(pid, tid);
  try {
    const session = InjectionSession.open(pid, tid);
    let result: T;
    try {
      result = use(session);
    } catch (e) {
      try {
        session.close();
      } catch {
        // The first error says what went wrong; this one only follows from it.
      }
      throw e;
    }
    session.close();
    return result;
  } finally {
    release(pid, tid);
  }
}
