/** NT_PRSTATUS: one thread's ids, signals and general registers (struct elf_prstatus, <linux/elfcore.h>). */
import { blockedSignals, type GpRegs, type Task, type Thread } from '../../model';
import { serializeGpRegs } from '../../sys/regs';
import { NOTE_TYPES, type Note } from './note';

const PRSTATUS_SIZE = 336;
// pr_info and pr_cursig (offsets 0 and 12) stay 0.
const OFFSETS = { pending: 16, held: 24, pid: 32, ppid: 36, pgrp: 40, sid: 44, registers: 112, fpValid: 328 };

/** The signals queued for the thread alone, as a set (bit N-1 for signal N). */
function pendingSet(thread: Thread): bigint {
  const signals = (thread.core?.pendingSignals ?? []).map(({ siginfo }) => siginfo.readInt32LE(0)).filter((signal) => signal >= 1 && signal <= 64);
  return signals.reduce((set, signal) => set | (1n << BigInt(signal - 1)), 0n);
}

/**
 * The thread's status note. No signal made the checkpoint, so the signal
 * fields are 0; CPU times are not in the images and stay 0 too.
 */
export function prstatusNote(task: Task, thread: Thread, registers: GpRegs): Note {
  const status = Buffer.alloc(PRSTATUS_SIZE);
  status.writeBigUInt64LE(pendingSet(thread), OFFSETS.pending);
  status.writeBigUInt64LE(blockedSignals(task, thread.tid), OFFSETS.held);
  status.writeInt32LE(thread.tid, OFFSETS.pid);
  status.writeInt32LE(task.parent ?? 0, OFFSETS.ppid);
  status.writeInt32LE(task.pgid, OFFSETS.pgrp);
  status.writeInt32LE(task.sid, OFFSETS.sid);
  serializeGpRegs(registers).copy(status, OFFSETS.registers);
  status.writeInt32LE(1, OFFSETS.fpValid);
  return { owner: 'CORE', type: NOTE_TYPES.prstatus, description: status };
}
