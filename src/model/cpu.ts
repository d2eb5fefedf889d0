/** A thread's x86_64 CPU state: general registers, FPU/SSE/AVX state and TLS descriptors. */
import { GP_REGISTER_NAMES, type GpRegisterName, type GpRegs } from '../sys/regs';
import { bigInteger, boolean, enumName, integer, list, optional } from './codecs';
import { field, group, messages, optionalGroup, type Modeled, type Rule, type Rules } from './fields';
import type { Address } from './ids';

export type { GpRegs } from '../sys/regs';

/** Names the image gives registers that user_regs_struct calls otherwise. */
const IMAGE_REGISTER_NAMES: Partial<Record<GpRegisterName, string>> = {
  rbp: 'bp',
  rbx: 'bx',
  rax: 'ax',
  rcx: 'cx',
  rdx: 'dx',
  rsi: 'si',
  rdi: 'di',
  orig_rax: 'orig_ax',
  rip: 'ip',
  eflags: 'flags',
  rsp: 'sp',
};

const gpRegsRules = Object.fromEntries(
  GP_REGISTER_NAMES.map((name) => [name, field(IMAGE_REGISTER_NAMES[name] ?? name, bigInteger)]),
) as Rules<GpRegs>;

export interface XsaveState {
  /** XSTATE_BV: which components the state holds. */
  components: bigint;
  /** Upper halves of the YMM registers, as 32-bit words. */
  ymmUpper: number[];
  opmask: bigint[];
  zmmUpper: bigint[];
  /** ZMM16-31, whole. */
  zmmHigh16: bigint[];
  /** CET user state: the MSR_IA32_U_CET value and the shadow stack pointer. */
  controlFlow: { settings: bigint; shadowStackPointer: Address } | undefined;
}

export interface FpuState {
  controlWord: number;
  statusWord: number;
  tagWord: number;
  lastOpcode: number;
  lastInstruction: Address;
  lastOperand: Address;
  mxcsr: number;
  mxcsrMask: number;
  /** ST0-ST7, as 32-bit words. */
  x87Registers: number[];
  /** XMM0-15, as 32-bit words. */
  xmmRegisters: number[];
  xsave: XsaveState | undefined;
}

/** One GDT TLS slot (struct user_desc, see set_thread_area(2)). */
export interface TlsDescriptor extends Modeled {
  entryNumber: number;
  base: number;
  limit: number;
  seg32bit: boolean;
  contentsHigh: boolean;
  contentsLow: boolean;
  readExecOnly: boolean;
  limitInPages: boolean;
  segmentNotPresent: boolean;
  usable: boolean;
}

export interface CpuState {
  /** set_tid_address(2) pointer. */
  clearTidAddress: Address;
  /** NATIVE (64-bit) or COMPAT (32-bit) register layout. */
  registerMode: 'NATIVE' | 'COMPAT' | undefined;
  registers: GpRegs;
  fpu: FpuState;
  tls: TlsDescriptor[];
}

const numbers = list(integer);
const bigNumbers = list(bigInteger);

const fpuRules: Rules<FpuState> = {
  controlWord: field('cwd', integer),
  statusWord: field('swd', integer),
  tagWord: field('twd', integer),
  lastOpcode: field('fop', integer),
  lastInstruction: field('rip', bigInteger),
  lastOperand: field('rdp', bigInteger),
  mxcsr: field('mxcsr', integer),
  mxcsrMask: field('mxcsr_mask', integer),
  x87Registers: field('st_space', numbers),
  xmmRegisters: field('xmm_space', numbers),
  xsave: optionalGroup('xsave', {
    components: field('xstate_bv', bigInteger),
    ymmUpper: field('ymmh_space', numbers),
    opmask: field('opmask_reg', bigNumbers),
    zmmUpper: field('zmm_upper', bigNumbers),
    zmmHigh16: field('hi16_zmm', bigNumbers),
    controlFlow: optionalGroup('cet', { settings: field('cet', bigInteger), shadowStackPointer: field('ssp', bigInteger) }),
  }),
};

const tlsRules: Rules<TlsDescriptor> = {
  entryNumber: field('entry_number', integer),
  base: field('base_addr', integer),
  limit: field('limit', integer),
  seg32bit: field('seg_32bit', boolean),
  contentsHigh: field('contents_h', boolean),
  contentsLow: field('contents_l', boolean),
  readExecOnly: field('read_exec_only', boolean),
  limitInPages: field('limit_in_pages', boolean),
  segmentNotPresent: field('seg_not_present', boolean),
  usable: field('usable', boolean),
};

/** Where the x86_64 state sits in a core entry (`thread_info`); a zombie has none. */
export const cpuStateRule: Rule<CpuState | undefined> = optionalGroup<CpuState>('thread_info', {
  clearTidAddress: field('clear_tid_addr', bigInteger),
  registerMode: field('gpregs.mode', optional(enumName(['NATIVE', 'COMPAT'] as const))),
  registers: group('gpregs', gpRegsRules),
  fpu: group('fpregs', fpuRules),
  tls: field('tls', messages(tlsRules)),
});
