/**
 * A parent inside vfork(2) sleeps until its child execs or exits, in a wait
 * only a fatal signal ends (wait_for_vfork_done in kernel/fork.c), so
 * PTRACE_INTERRUPT cannot stop it. amber says so at once instead of
 * waiting for a stop that will not come.
 */
import { AmberError } from '../errors';
import { readStat } from '../proc/stat';
import { readSyscall } from '../proc/syscall';
import { readThreadChildren } from '../proc/task';
import { CLONE_VFORK } from '../sys/constants';
import { Syscall } from '../sys/syscall-numbers';
import type { Pid, Tid } from '../sys/types';
import { readTaskMemory } from '../sys/vm';

/** The clone flags a clone(2) or clone3(2) call asked for; clone3 keeps them first in its struct clone_args. */
function cloneFlags(pid: Pid, number: number, args: bigint[]): bigint {
  if (number === Syscall.Clone) return args[0];
  return readTaskMemory(pid, [{ addr: args[0], len: 8 }]).readBigUInt64LE(0);
}

function inVfork(pid: Pid, tid: Tid): boolean {
  if (readStat(pid, tid).state !== 'D') return false;
  const call = readSyscall(pid, tid);
  if (call.kind !== 'inside') return false;
  if (call.number === Syscall.Vfork) return true;
  if (call.number !== Syscall.Clone && call.number !== Syscall.Clone3) return false;
  return (cloneFlags(pid, call.number, call.args) & BigInt(CLONE_VFORK)) !== 0n;
}

/** Refuses a thread that is waiting in vfork(2) for its child, naming the child. */
export function refuseVforkWait(pid: Pid, tid: Tid): void {
  try {
    if (!inVfork(pid, tid)) return;
  } catch {
    // A thread that ran on or ended meanwhile is not waiting in vfork.
    return;
  }
  const child = readThreadChildren(pid, tid).at(-1);
  throw new AmberError(`task ${pid}: is inside vfork(2) until its child ${child ?? '?'} execs or exits, and cannot be stopped before then`);
}
