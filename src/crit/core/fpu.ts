/**
 * NT_FPREGSET and NT_X86_XSTATE: a thread's FPU, SSE and AVX state as the
 * FXSAVE and XSAVE instructions lay it out (Intel SDM vol. 1, 10.5 and 13.4),
 * rebuilt from the image's fields.
 */
import type { FpuState, XsaveState } from '../../model';
import { fillFxsaveArea, FXSAVE_SIZE, writeWords32, XSTATE_BV_OFFSET, YMM_UPPER_OFFSET } from '../../model/fpu-layout';
import { NOTE_TYPES, type Note } from './note';

/** Bytes 464..471 of the FXSAVE area are the kernel's to use: ptrace and core files put XCR0 there (arch/x86/include/asm/user.h). */
const XCR0_OFFSET = 464;

/** XCR0 / XSTATE_BV bits. */
const COMPONENTS = { x87: 1n << 0n, sse: 1n << 1n, avx: 1n << 2n, avx512: 0b111n << 5n } as const;

/** Where each component the image holds sits in the standard (uncompacted) XSAVE format. */
const OPMASK_OFFSET = 1088;
const ZMM_UPPER_OFFSET = 1152;
const HIGH16_ZMM_OFFSET = 1664;
/** The XSAVE area ends after the last enabled component: sizes gdb recognizes. */
function areaSize(enabled: bigint): number {
  if (enabled & COMPONENTS.avx512) return 2688;
  return enabled & COMPONENTS.avx ? 832 : 576;
}

const writeWords64 = (area: Buffer, offset: number, words: readonly bigint[]): void =>
  words.forEach((word, i) => area.writeBigUInt64LE(BigInt.asUintN(64, word), offset + 8 * i));

/** The components the image has registers for: what the core claims XCR0 enabled. */
function enabledComponents(xsave: XsaveState | undefined): bigint {
  let enabled = COMPONENTS.x87 | COMPONENTS.sse;
  if (xsave === undefined) return enabled;
  if (xsave.ymmUpper.length > 0) enabled |= COMPONENTS.avx;
  if (xsave.opmask.length > 0 || xsave.zmmUpper.length > 0 || xsave.zmmHigh16.length > 0) enabled |= COMPONENTS.avx512;
  return enabled;
}

/** The legacy 512-byte area: x87 and SSE registers, with XCR0 in the software bytes. */
function fxsaveArea(fpu: FpuState, size: number): Buffer {
  const area = Buffer.alloc(size);
  fillFxsaveArea(area, fpu);
  area.writeBigUInt64LE(enabledComponents(fpu.xsave), XCR0_OFFSET);
  return area;
}

export function fpregsetNote(fpu: FpuState): Note {
  return { owner: 'CORE', type: NOTE_TYPES.fpregset, description: fxsaveArea(fpu, FXSAVE_SIZE) };
}

/** The XSAVE area; undefined when the image has no extended state. */
export function xstateNote(fpu: FpuState): Note | undefined {
  const { xsave } = fpu;
  if (xsave === undefined) return undefined;
  const enabled = enabledComponents(xsave);
  const area = fxsaveArea(fpu, areaSize(enabled));
  // Only components the area has room for may be marked in use.
  area.writeBigUInt64LE(xsave.components & enabled, XSTATE_BV_OFFSET);
  writeWords32(area, YMM_UPPER_OFFSET, xsave.ymmUpper);
  if (enabled & COMPONENTS.avx512) {
    writeWords64(area, OPMASK_OFFSET, xsave.opmask);
    writeWords64(area, ZMM_UPPER_OFFSET, xsave.zmmUpper);
    writeWords64(area, HIGH16_ZMM_OFFSET, xsave.zmmHigh16);
  }
  return { owner: 'LINUX', type: NOTE_TYPES.x86Xstate, description: area };
}
