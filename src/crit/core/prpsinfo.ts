/** NT_PRPSINFO: what ps(1) would show of the process (struct elf_prpsinfo, <linux/elfcore.h>). */
import type { Task } from '../../model';
import { NOTE_TYPES, type Note } from './note';

const PRPSINFO_SIZE = 136;
const OFFSETS = { state: 0, stateLetter: 1, nice: 3, flags: 8, uid: 16, gid: 20, pid: 24, ppid: 28, pgrp: 32, sid: 36, name: 40, args: 56 };
const NAME_SIZE = 16;
/** ELF_PRARGSZ: the command line is cut to this, NUL included. */
export const ARGS_SIZE = 80;

/** The kernel's state number and letter ("RSDTZW"); a checkpoint only tells stopped tasks from the others. */
function stateOf(task: Task): { number: number; letter: string } {
  return task.process.state === 'stopped' ? { number: 3, letter: 'T' } : { number: 0, letter: 'R' };
}

/** `args`: the start of the argument area, whose NULs separate the arguments. */
export function prpsinfoNote(task: Task, args: Buffer): Note {
  const info = Buffer.alloc(PRPSINFO_SIZE);
  const main = task.threads.find((thread) => thread.tid === task.pid)?.core;
  const state = stateOf(task);
  info.writeUInt8(state.number, OFFSETS.state);
  info.write(state.letter, OFFSETS.stateLetter, 'latin1');
  info.writeInt8(main?.nice ?? 0, OFFSETS.nice);
  info.writeBigUInt64LE(BigInt(task.process.kernelFlags >>> 0), OFFSETS.flags);
  info.writeUInt32LE(main?.credentials?.uid ?? 0, OFFSETS.uid);
  info.writeUInt32LE(main?.credentials?.gid ?? 0, OFFSETS.gid);
  info.writeInt32LE(task.pid, OFFSETS.pid);
  info.writeInt32LE(task.parent ?? 0, OFFSETS.ppid);
  info.writeInt32LE(task.pgid, OFFSETS.pgrp);
  info.writeInt32LE(task.sid, OFFSETS.sid);
  Buffer.from(task.process.name, 'utf8').subarray(0, NAME_SIZE - 1).copy(info, OFFSETS.name);
  const spaced = Buffer.from(args.subarray(0, ARGS_SIZE - 1).map((byte) => (byte === 0 ? 0x20 : byte)));
  Buffer.from(spaced.toString('latin1').trimEnd(), 'latin1').copy(info, OFFSETS.args);
  return { owner: 'CORE', type: NOTE_TYPES.prpsinfo, description: info };
}
