/**
 * The general registers of an x86_64 thread as PTRACE_GETREGSET(NT_PRSTATUS)
 * returns them: struct user_regs_struct (<sys/user.h>), 27 unsigned 64-bit
 * fields in the order below.
 */
import { USER_REGS_SIZE } from './constants';

/** Field names in their order in struct user_regs_struct. */
export const GP_REGISTER_NAMES = [
  'r15',
  'r14',
  'r13',
  'r12',
  'rbp',
  'rbx',
  'r11',
  'r10',
  'r9',
  'r8',
  'rax',
  'rcx',
  'rdx',
  'rsi',
  'rdi',
  'orig_rax',
  'rip',
  'cs',
  'eflags',
  'rsp',
  'ss',
  'fs_base',
  'gs_base',
  'ds',
  'es',
  'fs',
  'gs',
] as const;

export type GpRegisterName = (typeof GP_REGISTER_NAMES)[number];

/** Every field is the raw unsigned 64-bit value; see `asSigned` for rax and orig_rax. */
export type GpRegs = Record<GpRegisterName, bigint>;

const REGISTER_SIZE = 8;

export function parseGpRegs(raw: Buffer): GpRegs {
  if (raw.length !== USER_REGS_SIZE) {
    throw new RangeError(`user_regs_struct is ${USER_REGS_SIZE} bytes, got ${raw.length}`);
  }
  const regs = {} as GpRegs;
  GP_REGISTER_NAMES.forEach((name, i) => {
    regs[name] = raw.readBigUInt64LE(i * REGISTER_SIZE);
  });
  return regs;
}

export function serializeGpRegs(regs: GpRegs): Buffer {
  const raw = Buffer.alloc(USER_REGS_SIZE);
  GP_REGISTER_NAMES.forEach((name, i) => raw.writeBigUInt64LE(BigInt.asUintN(64, regs[name]), i * REGISTER_SIZE));
  return raw;
}

/** A register read as a signed 64-bit number: rax holds -errno after a failed syscall, orig_rax is -1 outside one. */
export function asSigned(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** The bit pattern of a signed value, as a register holds it. */
export function asRegister(value: bigint): bigint {
  return BigInt.asUintN(64, value);
}
