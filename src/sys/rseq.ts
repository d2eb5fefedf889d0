/**
 * Restartable sequences as the kernel sees them from outside: a thread
 * that resumes user space inside the critical section its rseq_cs word
 * names, after a preemption, a migration or a signal, is sent to the
 * section's abort handler instead (rseq(2); kernel/rseq.c rseq_ip_fixup).
 */
import type { Address, Pid } from './types';
import { readTaskMemory } from './vm';

/** struct rseq_cs: u32 version, u32 flags, then start_ip, post_commit_offset and abort_ip (u64 each). */
const RSEQ_CS_SIZE = 32;

/** Where a thread at `rip` resumes when its rseq_cs word holds `descriptor` (0 for none). */
export function rseqResumeAddress(pid: Pid, descriptor: Address, rip: Address): Address {
  if (descriptor === 0n) return rip;
  const section = readTaskMemory(pid, [{ addr: descriptor, len: RSEQ_CS_SIZE }]);
  const start = section.readBigUInt64LE(8);
  const inside = rip >= start && rip - start < section.readBigUInt64LE(16);
  return inside ? section.readBigUInt64LE(24) : rip;
}
