/**
 * A thread's CPU state: FPU/SSE/AVX state into its XSAVE area, and the
 * general registers it resumes with.
 */
import { AmberError } from '../errors';
import type { CpuState, FpuState } from '../model';
import { fillFxsaveArea, FXSAVE_SIZE, writeWords32, XSTATE_BV_OFFSET, YMM_UPPER_OFFSET } from '../model/fpu-layout';
import { NoteType } from '../sys/constants';
import * as ptrace from '../sys/ptrace';
import { asRegister, type GpRegs } from '../sys/regs';
import { restartedRegisters } from '../sys/syscall-restart';
import type { Tid } from '../sys/types';

/** x87, SSE and AVX: the components amber writes; the others start in their initial state. */
const WRITTEN_COMPONENTS = 0x7n;

/** The registers the thread resumes with: an interrupted syscall restarts (see restartedRegisters), and the kernel restarts nothing more. */
export function resumeRegisters(saved: GpRegs): GpRegs {
  return { ...restartedRegisters(saved), orig_rax: asRegister(-1n) };
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

