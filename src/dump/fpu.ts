/**
 * A thread's FPU/SSE/AVX state from PTRACE_GETREGSET(NT_X86_XSTATE): the
 * XSAVE area in its standard (non-compacted) layout, which the kernel gives
 * user space (Intel SDM vol. 1, 13.4 and 13.5). Where each component sits
 * is what CPUID leaf 0xD says, which JavaScript cannot ask: Intel CPUs keep
 * the historical offsets (with room for MPX), while AMD CPUs and some
 * hypervisors pack the components they have back to back. The area's total
 * size tells the two apart.
 */
import * as fs from 'node:fs';
import type { FpuState, XsaveState } from '../model';

const LEGACY = { st: 32, xmm: 160 } as const;
const XSAVE_HEADER = 512;
/** The first extended component's offset in the standard layout. */
const EXTENDED_START = 576;
/** /proc/cpuinfo flags and the XSAVE feature bits of the state they bring. */
const FEATURE_FLAGS: readonly [flag: string, bits: number[]][] = [
  ['avx', [2]],
  ['mpx', [3, 4]],
  ['avx512f', [5, 6, 7]],
  ['ospke', [9]],
  ['amx_tile', [17, 18]],
];

/** Sizes of the user-state components by XSAVE feature bit. */
const COMPONENT_SIZES = new Map([
  [2, 256],
  [3, 64],
  [4, 64],
  [5, 64],
  [6, 512],
  [7, 1024],
  [9, 8],
  [17, 64],
  [18, 8192],
]);

/** The components amber stores, by feature bit, and Intel's offsets for them. */
const STORED = { ymmUpper: 2, opmask: 5, zmmUpper: 6, zmmHigh16: 7 } as const;
const INTEL_OFFSETS = new Map([
  [2, 576],
  [5, 1088],
  [6, 1152],
  [7, 1664],
]);

interface Part {
  offset: number;
  size: number;
}

/** Offsets of the components in `features` when packed back to back, and where the last one ends. */
function packedOffsets(features: bigint): { offsets: Map<number, number>; end: number } {
  const offsets = new Map<number, number>();
  let end = EXTENDED_START;
  for (const [bit, size] of COMPONENT_SIZES) {
    if (((features >> BigInt(bit)) & 1n) === 0n) continue;
    offsets.set(bit, end);
    end += size;
  }
  return { offsets, end };
}

let cpuFeatures: bigint | undefined;

/** The XSAVE user features this CPU has, as the kernel reports them in /proc/cpuinfo. */
function supportedFeatures(): bigint {
  if (cpuFeatures === undefined) {
    const flagsLine = /^flags\s*:(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
    const flags = new Set(flagsLine.trim().split(/\s+/));
    cpuFeatures = FEATURE_FLAGS.filter(([flag]) => flags.has(flag))
      .flatMap(([, bits]) => bits)
      .reduce((mask, bit) => mask | (1n << BigInt(bit)), 0n);
  }
  return cpuFeatures;
}

function componentOffsets(area: Buffer): Map<number, number> {
  const packed = packedOffsets(supportedFeatures());
  return packed.end === area.length ? packed.offsets : INTEL_OFFSETS;
}

function words32(area: Buffer, offset: number, bytes: number): number[] {
  return Array.from({ length: bytes / 4 }, (_, i) => area.readUInt32LE(offset + 4 * i));
}

function words64(area: Buffer, offset: number, bytes: number): bigint[] {
  return Array.from({ length: bytes / 8 }, (_, i) => area.readBigUInt64LE(offset + 8 * i));
}

/** A component's words, or none when the CPU's area does not reach that far. */
function component<T>(area: Buffer, part: Part | undefined, read: (area: Buffer, offset: number, bytes: number) => T[]): T[] {
  return part !== undefined && area.length >= part.offset + part.size ? read(area, part.offset, part.size) : [];
}

function xsaveOf(area: Buffer): XsaveState | undefined {
  if (area.length <= XSAVE_HEADER) return undefined;
  const offsets = componentOffsets(area);
  const part = (bit: number): Part | undefined => {
    const offset = offsets.get(bit);
    return offset === undefined ? undefined : { offset, size: COMPONENT_SIZES.get(bit)! };
  };
  return {
    components: area.readBigUInt64LE(XSAVE_HEADER),
    ymmUpper: component(area, part(STORED.ymmUpper), words32),
    opmask: component(area, part(STORED.opmask), words64),
    zmmUpper: component(area, part(STORED.zmmUpper), words64),
    zmmHigh16: component(area, part(STORED.zmmHigh16), words64),
    // User CET state is not part of the user XSAVE area; a thread without shadow stacks has none.
    controlFlow: { settings: 0n, shadowStackPointer: 0n },
  };
}

export function parseXsave(area: Buffer): FpuState {
  return {
    controlWord: area.readUInt16LE(0),
    statusWord: area.readUInt16LE(2),
    tagWord: area.readUInt16LE(4),
    lastOpcode: area.readUInt16LE(6),
    lastInstruction: area.readBigUInt64LE(8),
    lastOperand: area.readBigUInt64LE(16),
    mxcsr: area.readUInt32LE(24),
    mxcsrMask: area.readUInt32LE(28),
    x87Registers: words32(area, LEGACY.st, 128),
    xmmRegisters: words32(area, LEGACY.xmm, 256),
    xsave: xsaveOf(area),
  };
}
