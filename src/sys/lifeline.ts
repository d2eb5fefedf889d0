/**
 * A dead-man switch for syscall injection: a signal frame on the thread's
 * own stack that leads it back to its own state if amber vanishes.
 *
 * When its tracer dies, the kernel detaches a tracee and lets it run
 * (ptrace(2)), with whatever registers amber gave it. So every injected
 * syscall runs from a `syscall; ret` found in the task's code, with rsp at
 * a word holding the address of the task's signal restorer, followed by an
 * rt_sigframe with the thread's own registers, signal mask and FPU state.
 * While amber lives it takes the thread back at the syscall-exit stop and
 * the `ret` never runs; without amber the thread finishes the syscall,
 * returns into the restorer, and rt_sigreturn puts everything back.
 *
 * The frames, the XSAVE image and the syscall buffers lie below the 128-byte
 * red zone under rsp, memory the x86-64 ABI leaves to signal frames and
 * that the thread therefore never expects to keep; amber still puts back
 * what was there. Nothing is mapped, so /proc/PID/maps never changes.
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import type { Vma } from '../proc/maps';
import type { CodeAddresses } from './code-search';
import * as ptrace from './ptrace';
import { type GpRegs } from './regs';
import { rseqResumeAddress } from './rseq';
import { ScratchPage } from './scratch';
import { FPSTATE_ALIGNMENT, fpstateImage, SIGRETURN_FRAME_SIZE, sigreturnFrame } from './sigreturn-frame';
import { restartedRegisters } from './syscall-restart';
import { describeTask, traceStep } from './thread-stop';
import type { Address, Pid, Tid } from './types';
import { readTaskMemory, writeTaskMemory } from './vm';

/** The x86-64 psABI red zone: the 128 bytes below rsp belong to the running function. */
const RED_ZONE = 128n;
/** Room for injected syscalls' buffers. */
const SCRATCH_SIZE = 512n;
const STACK_ALIGNMENT = 16n;
/**
 * The most a lifeline writes below the thread's stack pointer: room for the
 * largest XSAVE image (ptrace.ts reads up to 16 KiB) and the rest. A dump
 * copies these stack pages again once its injections are over.
 */
export const LIFELINE_REACH = 32n << 10n;

export type LifelineCode = CodeAddresses<'syscallReturn' | 'sigreturn'>;

const alignDown = (value: bigint, alignment: bigint): bigint => value - (value % alignment);

/** Where the pieces go, from the lowest address up to the red zone. */
interface Layout {
  frame: Address;
  fpstate: Address;
  scratch: Address;
  top: Address;
}

function layOut(rsp: Address, fpstateSize: number): Layout {
  const top = rsp - RED_ZONE;
  const scratch = alignDown(top - SCRATCH_SIZE, FPSTATE_ALIGNMENT);
  const fpstate = alignDown(scratch - BigInt(fpstateSize), FPSTATE_ALIGNMENT);
  const frame = alignDown(fpstate - BigInt(SIGRETURN_FRAME_SIZE), STACK_ALIGNMENT);
  return { frame, fpstate, scratch, top };
}

/** Why the stretch below the red zone cannot hold the frame, or null when it can. */
function stackProblem(maps: readonly Vma[], rsp: Address, layout: Layout): string | null {
  const vma = maps.find((candidate) => candidate.start <= layout.frame && rsp <= candidate.end);
  if (vma === undefined) return `no single mapping holds rsp 0x${rsp.toString(16)} and the ${layout.top - layout.frame} bytes below its red zone`;
  if (!vma.read || !vma.write || vma.shared) return `its stack at 0x${vma.start.toString(16)} is not private and writable`;
  return null;
}

/** User shadow stacks (CET) would refuse both the `ret` and a frame the kernel did not write. */
function usesShadowStack(pid: Pid, tid: Tid): boolean {
  try {
    return /^x86_Thread_features:.*\bshstk\b/m.test(fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

export type Arming = { lifeline: Lifeline } | { unprotected: string };

export class Lifeline {
  private constructor(
    private readonly pid: Pid,
    private readonly tid: Tid,
    private readonly code: LifelineCode,
    private readonly layout: Layout,
    /** What the stack held below the red zone, put back by `disarm`. */
    private readonly original: Buffer,
    private readonly ownFrame: Buffer,
    private readonly fpstate: Buffer,
  ) {}

  /**
   * Writes the frame for a thread in a ptrace stop whose own registers are
   * `regs` and whose rseq_cs word holds `rseqCs`, in a task whose mappings
   * are `maps`; its mask and FPU state are read here. Says why not when the
   * thread's stack or state does not allow it.
   */
  static arm(pid: Pid, tid: Tid, regs: GpRegs, rseqCs: Address, code: LifelineCode, maps: readonly Vma[]): Arming {
    if (usesShadowStack(pid, tid)) return { unprotected: 'it uses a shadow stack' };
    const fpstate = fpstateImage(traceStep(pid, tid, 'PTRACE_GETREGSET(NT_X86_XSTATE)', () => ptrace.getXstate(tid)));
    if (fpstate === null) return { unprotected: 'its FPU state has no fixed-size XSAVE layout' };
    const layout = layOut(regs.rsp, fpstate.length);
    if (regs.rsp - layout.frame > LIFELINE_REACH) return { unprotected: `its FPU state (${fpstate.length} bytes) does not fit below its stack pointer` };
    const problem = stackProblem(maps, regs.rsp, layout);
    if (problem !== null) return { unprotected: problem };
    const resumed = restartedRegisters(regs);
    // The thread leaves any critical section for the `syscall; ret`, and the kernel then forgets it: abort it here.
    resumed.rip = rseqResumeAddress(pid, rseqCs, resumed.rip);
    const frame = sigreturnFrame({
      regs: resumed,
      // The mask the thread goes on with: PTRACE_GETSIGMASK reports the one sigsuspend and the like will put back.
      blockedSignals: traceStep(pid, tid, 'PTRACE_GETSIGMASK', () => ptrace.getSigmask(tid)),
      restorer: code.sigreturn,
      fpstate: layout.fpstate,
    });
    const original = readTaskMemory(pid, [{ addr: layout.frame, len: Number(layout.top - layout.frame) }]);
    const lifeline = new Lifeline(pid, tid, code, layout, original, frame, fpstate);
    lifeline.write(lifeline.contents());
    return { lifeline };
  }

  /** Room for syscall buffers, between the XSAVE image and the red zone. */
  scratch(): ScratchPage {
    return new ScratchPage(this.pid, this.layout.scratch, Number(this.layout.top - this.layout.scratch));
  }

  /** Points injected registers at the `syscall; ret` and the frame. */
  aim(injected: GpRegs): void {
    injected.rip = this.code.syscallReturn;
    injected.rsp = this.layout.frame;
  }

  /** Puts back the stack bytes; only once the thread holds its own registers again. */
  disarm(): void {
    this.write(this.original);
  }

  /** The stack from the frame up to the red zone as the armed lifeline has it. */
  private contents(): Buffer {
    const contents = Buffer.from(this.original);
    const offset = (address: Address): number => Number(address - this.layout.frame);
    this.fpstate.copy(contents, offset(this.layout.fpstate));
    this.ownFrame.copy(contents, offset(this.layout.frame));
    return contents;
  }

  private write(contents: Buffer): void {
    const span = { addr: this.layout.frame, len: contents.length };
    if (writeTaskMemory(this.pid, [span], contents).stoppedAt !== null) {
      throw new AmberError(`${describeTask(this.pid, this.tid)}: cannot write its stack at 0x${span.addr.toString(16)}`);
    }
  }
}
