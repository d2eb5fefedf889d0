/**
 * Per-thread state read by syscall injection beyond src/sys/task-query.ts:
 * TLS descriptors, the robust futex list, the program break, the
 * securebits and the THP-disable flag. Buffers live in the session's scratch page.
 */
import type { TlsDescriptor } from '../model';
import type { InjectionSession } from '../sys/inject';
import { Syscall } from '../sys/syscall-numbers';
import type { Address } from '../sys/types';

const PR_GET_SECUREBITS = 27;
const PR_GET_THP_DISABLE = 42;
const ENOSYS = 38;
/** The GDT slots set_thread_area(2) hands out on x86_64 (GDT_ENTRY_TLS_MIN..MAX). */
const TLS_SLOTS = [12, 13, 14];
const USER_DESC_SIZE = 16;

/** struct user_desc (asm/ldt.h): three u32 words and a word of bit fields. */
function parseUserDesc(raw: Buffer): TlsDescriptor {
  const bits = raw.readUInt32LE(12);
  const bit = (n: number): boolean => ((bits >> n) & 1) === 1;
  return {
    entryNumber: raw.readUInt32LE(0),
    base: raw.readUInt32LE(4),
    limit: raw.readUInt32LE(8),
    seg32bit: bit(0),
    contentsHigh: bit(2),
    contentsLow: bit(1),
    readExecOnly: bit(3),
    limitInPages: bit(4),
    segmentNotPresent: bit(5),
    usable: bit(6),
  };
}

/** What get_thread_area(2) reports for a slot never set: an empty, not-present, read-only segment. */
function emptyDescriptor(slot: number): TlsDescriptor {
  const desc = Buffer.alloc(USER_DESC_SIZE);
  desc.writeUInt32LE(slot, 0);
  desc.writeUInt32LE((1 << 3) | (1 << 5), 12);
  return parseUserDesc(desc);
}

export function readTlsDescriptors(session: InjectionSession): TlsDescriptor[] {
  const scratch = session.scratch();
  return TLS_SLOTS.map((slot) => {
    const request = Buffer.alloc(USER_DESC_SIZE);
    request.writeUInt32LE(slot, 0);
    // Kernels without IA32 emulation have neither set_thread_area nor get_thread_area: every slot is empty.
    if (session.syscall(Syscall.GetThreadArea, scratch.write(request)) === -BigInt(ENOSYS)) return emptyDescriptor(slot);
    return parseUserDesc(scratch.read(0, USER_DESC_SIZE));
  });
}

export interface RobustList {
  head: Address;
  length: number;
}

export function readRobustList(session: InjectionSession): RobustList {
  const scratch = session.scratch();
  session.check(Syscall.GetRobustList, 0n, scratch.address, scratch.address + 8n);
  const raw = scratch.read(0, 16);
  return { head: raw.readBigUInt64LE(0), length: Number(raw.readBigUInt64LE(8)) };
}

/** brk(0) changes nothing and returns the current break. */
export function readProgramBreak(session: InjectionSession): Address {
  return session.check(Syscall.Brk, 0n);
}

export function readSecurebits(session: InjectionSession): number {
  return Number(session.check(Syscall.Prctl, BigInt(PR_GET_SECUREBITS)));
}

/** prctl(PR_SET_THP_DISABLE) state of the task. */
export function readThpDisabled(session: InjectionSession): boolean {
  return session.check(Syscall.Prctl, BigInt(PR_GET_THP_DISABLE)) !== 0n;
}
