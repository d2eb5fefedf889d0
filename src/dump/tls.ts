/**
 * A thread's TLS descriptors: the three GDT slots set_thread_area(2) hands
 * out, read from outside with PTRACE_GET_THREAD_AREA (arch/x86/kernel/tls.c,
 * the same fill as get_thread_area(2)).
 */
import type { TlsDescriptor } from '../model';
import { isSyscallError } from '../sys/native';
import * as ptrace from '../sys/ptrace';
import { ptraceFailure } from '../sys/thread-stop';
import type { Pid, Tid } from '../sys/types';

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

/** The TLS descriptors of thread `tid` of `pid`, which amber traces and holds stopped. */
export function readTlsDescriptors(pid: Pid, tid: Tid): TlsDescriptor[] {
  return TLS_SLOTS.map((slot) => {
    try {
      return parseUserDesc(ptrace.getThreadArea(tid, slot));
    } catch (e) {
      // Kernels without IA32 emulation have no such request, and no such slots: every one is empty.
      if (isSyscallError(e, 'EIO')) return emptyDescriptor(slot);
      throw ptraceFailure(pid, tid, 'PTRACE_GET_THREAD_AREA', e);
    }
  });
}
