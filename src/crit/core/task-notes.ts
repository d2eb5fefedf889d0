/** The PT_NOTE contents of one task's core. */
import { AmberError } from '../../errors';
import { readTaskMemory, type Checkpoint, type Memory, type Task, type Thread } from '../../model';
import { fpregsetNote, xstateNote } from './fpu';
import type { Mapping } from './mappings';
import type { Note } from './note';
import { ARGS_SIZE, prpsinfoNote } from './prpsinfo';
import { prstatusNote } from './prstatus';
import { auxvNote, fileNote, siginfoNote } from './process-notes';

/** The thread's status, then its FPU and extended register sets. */
function threadNotes(task: Task, thread: Thread): Note[] {
  const { cpu } = thread;
  if (cpu === undefined) throw new AmberError(`task ${task.pid}: thread ${thread.tid} has no registers in the checkpoint`);
  const xstate = xstateNote(cpu.fpu);
  return [prstatusNote(task, thread, cpu.registers), fpregsetNote(cpu.fpu), ...(xstate === undefined ? [] : [xstate])];
}

/** The start of the command line, when the checkpoint holds the pages of the argument area; empty otherwise. */
async function argumentArea(checkpoint: Checkpoint, task: Task, memory: Memory): Promise<Buffer> {
  const length = Math.min(Number(memory.argumentsEnd - memory.argumentsStart), ARGS_SIZE - 1);
  if (length <= 0) return Buffer.alloc(0);
  try {
    return await readTaskMemory(checkpoint, task.pid, memory.argumentsStart, length);
  } catch (e) {
    if (e instanceof AmberError) return Buffer.alloc(0);
    throw e;
  }
}

/**
 * The notes in the order Linux writes them (fs/binfmt_elf.c): the main
 * thread's status, the process-wide notes, the main thread's register sets,
 * then each other thread's status and register sets.
 */
export async function taskNotes(checkpoint: Checkpoint, task: Task, memory: Memory, mappings: readonly Mapping[]): Promise<Note[]> {
  const main = task.threads.find((thread) => thread.tid === task.pid);
  if (main === undefined) throw new AmberError(`task ${task.pid}: its main thread is not in the checkpoint`);
  const [mainStatus, ...mainRegisters] = threadNotes(task, main);
  return [
    mainStatus,
    prpsinfoNote(task, await argumentArea(checkpoint, task, memory)),
    siginfoNote(),
    auxvNote(memory.auxv),
    fileNote(mappings),
    ...mainRegisters,
    ...task.threads.filter((thread) => thread !== main).flatMap((thread) => threadNotes(task, thread)),
  ];
}
