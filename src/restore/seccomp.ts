/**
 * Seccomp filters: each thread installs its own chain, oldest filter first,
 * with seccomp(SECCOMP_SET_MODE_FILTER) in a temporary mapping large
 * enough for the longest program. Filters apply to amber's injected
 * syscalls too, so the thread is first traced with
 * PTRACE_O_SUSPEND_SECCOMP; the kernel forgets that option when amber
 * detaches (ptrace(2)), and the filters take effect from there.
 */
import { AmberError } from '../errors';
import type { SeccompFilters, Thread } from '../model';
import { MAP_PRIVATE, PAGE_SIZE, PROT_READ, PROT_WRITE, PTRACE_O_SUSPEND_SECCOMP } from '../sys/constants';
import * as ptrace from '../sys/ptrace';
import { ScratchPage } from '../sys/scratch';
import { Syscall } from '../sys/syscall-numbers';
import type { RestoringTask } from './context';
import type { RemoteTask } from './remote-task';
import { TRACE_OPTIONS } from './tree';

const SECCOMP_SET_MODE_STRICT = 0n;
const SECCOMP_SET_MODE_FILTER = 1n;
/** The flags that describe an installed filter; the others (TSYNC, NEW_LISTENER...) only act while installing. */
const SECCOMP_FILTER_FLAG_LOG = 2;
const SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4;
const LASTING_FLAGS = SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW;
const MAP_ANONYMOUS = 0x20;
/** struct sock_fprog: instruction count, then a pointer to the instructions. */
const FPROG_SIZE = 16;
const INSTRUCTION_SIZE = 8;

interface Program {
  instructions: Buffer;
  flags: number;
}

/** The thread's chain, oldest first, following `prev` from the filter its core image names. */
function chainOf(filters: SeccompFilters | undefined, thread: Thread, who: string): Program[] {
  const all = filters?.filters ?? [];
  const chain: Program[] = [];
  for (let index = thread.core?.seccompFilter; index !== undefined; index = all[index].previous) {
    if (index >= all.length || chain.length === all.length) throw new AmberError(`${who}: seccomp filter ${index} is not in seccomp.img or loops`);
    const { program, flags } = all[index];
    if (program.length === 0 || program.length % INSTRUCTION_SIZE !== 0) throw new AmberError(`${who}: seccomp filter ${index} is not a whole BPF program`);
    chain.unshift({ instructions: program, flags: (flags ?? 0) & LASTING_FLAGS });
  }
  if (chain.length === 0) throw new AmberError(`${who}: is in seccomp filter mode, but its core image names no filter`);
  return chain;
}

function install(remote: RemoteTask, chain: Program[], area: ScratchPage): void {
  ptrace.setOptions(remote.tid, TRACE_OPTIONS | PTRACE_O_SUSPEND_SECCOMP);
  chain.forEach(({ instructions, flags }, i) => {
    const fprog = Buffer.alloc(FPROG_SIZE);
    fprog.writeUInt16LE(instructions.length / INSTRUCTION_SIZE, 0);
    fprog.writeBigUInt64LE(area.write(instructions, FPROG_SIZE), 8);
    area.write(fprog);
    remote.check(`installing seccomp filter ${i + 1} of ${chain.length}`, Syscall.Seccomp, SECCOMP_SET_MODE_FILTER, BigInt(flags), area.address);
  });
}

/** Every thread's seccomp mode and filters; the task must still have the privileges amber gave it (CAP_SYS_ADMIN). */
export function restoreSeccomp(task: RestoringTask, filters: SeccompFilters | undefined): void {
  const remotes = [task.main, ...task.threads];
  const chains = new Map<RemoteTask, Program[]>();
  task.task.threads.forEach((thread, i) => {
    const mode = thread.core?.seccompMode;
    if (mode === 'filter') chains.set(remotes[i], chainOf(filters, thread, remotes[i].name));
    else if (mode === 'strict') {
      ptrace.setOptions(remotes[i].tid, TRACE_OPTIONS | PTRACE_O_SUSPEND_SECCOMP);
      remotes[i].check('entering seccomp strict mode', Syscall.Seccomp, SECCOMP_SET_MODE_STRICT, 0n, 0n);
    }
  });
  if (chains.size === 0) return;
  const longest = Math.max(...[...chains.values()].flat().map((program) => program.instructions.length));
  const size = Math.ceil((FPROG_SIZE + longest) / PAGE_SIZE) * PAGE_SIZE;
  const flags = MAP_PRIVATE | MAP_ANONYMOUS;
  const address = task.main.check('mapping room for its seccomp filters', Syscall.Mmap, 0n, BigInt(size), BigInt(PROT_READ | PROT_WRITE), BigInt(flags), -1n, 0n);
  const area = new ScratchPage(task.task.pid, address, size);
  for (const [remote, chain] of chains) install(remote, chain, area);
  task.main.check('unmapping the room for its seccomp filters', Syscall.Munmap, address, BigInt(size));
}
