/**
 * The x86_64 signal frame that rt_sigreturn(2) reads (struct rt_sigframe,
 * arch/x86/include/asm/sigframe.h; uapi asm/sigcontext.h): a return
 * address, then a ucontext holding the registers, the signal mask and a
 * pointer to the FPU/AVX state in XSAVE layout. amber writes one on a
 * thread's stack so that rt_sigreturn, run by the thread itself, gives it
 * back its whole user-visible state.
 */
import type { GpRegs } from './regs';

/** pretcode (8), struct ucontext (304), struct siginfo (128): what rt_sigreturn checks access to. */
export const SIGRETURN_FRAME_SIZE = 440;
/** The XSAVE area must be 64-byte aligned: XRSTOR faults otherwise (Intel SDM vol. 1, 13.7). */
export const FPSTATE_ALIGNMENT = 64n;

const UCONTEXT = 8;
const UC_STACK = UCONTEXT + 16;
const UC_MCONTEXT = UCONTEXT + 40;
const UC_SIGMASK = UC_MCONTEXT + 256;
/** uc_flags the kernel itself sets for 64-bit frames: UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS. */
const UC_FLAGS = 0x1n | 0x2n | 0x4n;
/**
 * rt_sigreturn also calls sigaltstack with uc_stack and ignores every error
 * but EFAULT (kernel/signal.c restore_altstack). A mode other than 0,
 * SS_ONSTACK or SS_DISABLE is EINVAL, so the thread's own altstack stays.
 */
const ALTSTACK_LEFT_ALONE = 4;

/** struct sigcontext: the general registers in the kernel's order, then cs, gs, fs, ss (16 bits each). */
const SIGCONTEXT_REGISTERS: readonly (keyof GpRegs)[] = [
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
  'rdi', 'rsi', 'rbp', 'rbx', 'rdx', 'rax', 'rcx', 'rsp', 'rip', 'eflags',
];
const SIGCONTEXT_CS = 144;
const SIGCONTEXT_SS = 150;
const SIGCONTEXT_OLDMASK = 168;
const SIGCONTEXT_FPSTATE = 184;

/** struct _fpx_sw_bytes in the software-reserved bytes 464..511 of the FXSAVE region (uapi asm/sigcontext.h). */
const SW_BYTES = 464;
const SW_BYTES_END = 512;
const FP_XSTATE_MAGIC1 = 0x46505853;
const FP_XSTATE_MAGIC2 = 0x46505845;
const MAGIC2_SIZE = 4;
/** The XSAVE legacy region and header: the smallest XSAVE area. */
const XSAVE_MINIMUM = 576;
/** AMX tile data: a dynamic feature, whose presence makes the thread's XSAVE size unknowable from outside. */
const XFEATURE_DYNAMIC = 1n << 18n;

/**
 * The thread's XSAVE area (PTRACE_GETREGSET NT_X86_XSTATE, standard format)
 * as a signal frame holds it: the software bytes say how large the state
 * is and which features it has, and FP_XSTATE_MAGIC2 follows it; without
 * them the kernel restores only x87/SSE state (fpu/signal.c
 * check_xstate_in_sigframe). Null when the thread's state cannot be put in
 * a frame this way.
 */
export function fpstateImage(xstate: Buffer): Buffer | null {
  if (xstate.length < XSAVE_MINIMUM) return null;
  // The ptrace layout keeps the user features (XCR0) in the first software word.
  const features = xstate.readBigUInt64LE(SW_BYTES);
  if ((features & XFEATURE_DYNAMIC) !== 0n) return null;
  const image = Buffer.alloc(xstate.length + MAGIC2_SIZE);
  xstate.copy(image);
  image.fill(0, SW_BYTES, SW_BYTES_END);
  image.writeUInt32LE(FP_XSTATE_MAGIC1, SW_BYTES);
  image.writeUInt32LE(xstate.length + MAGIC2_SIZE, SW_BYTES + 4);
  image.writeBigUInt64LE(features, SW_BYTES + 8);
  image.writeUInt32LE(xstate.length, SW_BYTES + 16);
  image.writeUInt32LE(FP_XSTATE_MAGIC2, xstate.length);
  return image;
}

export interface FrameContents {
  /** The registers rt_sigreturn loads (see `restartedRegisters`). */
  regs: GpRegs;
  blockedSignals: bigint;
  /** Where the thread returns to from the syscall before the frame: code that calls rt_sigreturn. */
  restorer: bigint;
  /** Where the `fpstateImage` lies in the task. */
  fpstate: bigint;
}

export function sigreturnFrame(contents: FrameContents): Buffer {
  const frame = Buffer.alloc(SIGRETURN_FRAME_SIZE);
  frame.writeBigUInt64LE(contents.restorer, 0);
  frame.writeBigUInt64LE(UC_FLAGS, UCONTEXT);
  frame.writeInt32LE(ALTSTACK_LEFT_ALONE, UC_STACK + 8);
  SIGCONTEXT_REGISTERS.forEach((name, i) => frame.writeBigUInt64LE(contents.regs[name], UC_MCONTEXT + 8 * i));
  frame.writeUInt16LE(Number(contents.regs.cs), UC_MCONTEXT + SIGCONTEXT_CS);
  frame.writeUInt16LE(Number(contents.regs.ss), UC_MCONTEXT + SIGCONTEXT_SS);
  frame.writeBigUInt64LE(BigInt.asUintN(32, contents.blockedSignals), UC_MCONTEXT + SIGCONTEXT_OLDMASK);
  frame.writeBigUInt64LE(contents.fpstate, UC_MCONTEXT + SIGCONTEXT_FPSTATE);
  frame.writeBigUInt64LE(contents.blockedSignals, UC_SIGMASK);
  return frame;
}
