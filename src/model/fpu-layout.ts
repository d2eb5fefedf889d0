/**
 * Where the image's FPU fields sit in the FXSAVE area and the standard
 * (uncompacted) XSAVE area that ptrace and core files use (Intel SDM
 * vol. 1, 10.5.1 and 13.4), for the code that rebuilds those areas.
 */
import type { FpuState } from './cpu';

export const FXSAVE_SIZE = 512;
/** The XSAVE header starts with XSTATE_BV, the components in use. */
export const XSTATE_BV_OFFSET = 512;
/** The upper halves of YMM0-15, the first extended component. */
export const YMM_UPPER_OFFSET = 576;

/** Writes 32-bit words from `offset` on. */
export function writeWords32(area: Buffer, offset: number, words: readonly number[]): void {
  words.forEach((word, i) => area.writeUInt32LE(word >>> 0, offset + 4 * i));
}

/** Fills the legacy 512-byte region of `area` with the x87 and SSE state; the rest of `area` is left alone. */
export function fillFxsaveArea(area: Buffer, fpu: FpuState): void {
  area.fill(0, 0, FXSAVE_SIZE);
  area.writeUInt16LE(fpu.controlWord, 0);
  area.writeUInt16LE(fpu.statusWord, 2);
  area.writeUInt16LE(fpu.tagWord, 4);
  area.writeUInt16LE(fpu.lastOpcode, 6);
  area.writeBigUInt64LE(fpu.lastInstruction, 8);
  area.writeBigUInt64LE(fpu.lastOperand, 16);
  area.writeUInt32LE(fpu.mxcsr, 24);
  area.writeUInt32LE(fpu.mxcsrMask, 28);
  writeWords32(area, 32, fpu.x87Registers);
  writeWords32(area, 160, fpu.xmmRegisters);
}
