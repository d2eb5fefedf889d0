/**
 * Registers a thread resumes with: addresses canonical, the instruction
 * pointer in executable memory, the stack pointer in a mapping.
 */
import type { Task, Thread, Vma } from '../../../model';
import { coreImage } from '../../../model/image-names';
import type { CheckContext } from '../context';
import { error, type Finding } from '../findings';
import { hex, isCanonical, PAGE, vmaAt } from './addresses';

const GPREGS = 'thread_info.gpregs';

/**
 * rsp may equal a VMA's end (nothing pushed yet), and may lie up to one page
 * below a grows-down stack: the kernel extends such a mapping when the next
 * push faults there (see MAP_GROWSDOWN in mmap(2)).
 */
function isStackAddress(vmas: readonly Vma[], rsp: bigint): boolean {
  return vmas.some((vma) => (vma.start <= rsp && rsp <= vma.end) || (vma.mapping.growsDown && vma.start - PAGE <= rsp && rsp < vma.start));
}

function checkThread(task: Task, thread: Thread, vmas: readonly Vma[]): Finding[] {
  const cpu = thread.cpu;
  if (cpu === undefined || cpu.registerMode === 'COMPAT') return [];
  const image = coreImage(task.pid, thread.tid);
  const { rip, rsp, fs_base: fsBase, gs_base: gsBase } = cpu.registers;
  const at = (field: string) => ({ entry: 0, field: `${GPREGS}.${field}` });
  const findings: Finding[] = [];
  const canonical: [string, string, bigint][] = [['rip', 'ip', rip], ['rsp', 'sp', rsp], ['fs_base', 'fs_base', fsBase], ['gs_base', 'gs_base', gsBase]];
  for (const [name, field, value] of canonical) {
    if (!isCanonical(value, vmas)) findings.push(error(image, `${name} ${hex(value)} of thread ${thread.tid} is not a canonical address`, at(field)));
  }
  if (findings.length > 0) return findings;
  if (vmaAt(vmas, rip)?.protection.exec !== true) findings.push(error(image, `rip ${hex(rip)} of thread ${thread.tid} is outside every executable VMA`, at('ip')));
  if (!isStackAddress(vmas, rsp)) findings.push(error(image, `rsp ${hex(rsp)} of thread ${thread.tid} is outside every VMA`, at('sp')));
  return findings;
}

export function checkRegisters(context: CheckContext): Finding[] {
  return context.checkpoint.tasks.flatMap((task) => {
    const vmas = task.memory?.vmas;
    return vmas === undefined ? [] : task.threads.flatMap((thread) => checkThread(task, thread, vmas));
  });
}
