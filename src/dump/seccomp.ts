/**
 * The seccomp filters of the dumped threads (seccomp.img). ptrace shows each
 * thread's chain, oldest filter first, but not which filter objects the
 * kernel shares between threads; chains are shared here by content
 * instead: a filter is stored once for each (previous filter, program), so
 * identical chains, and identical beginnings of chains, are stored once.
 */
import { AmberError } from '../errors';
import type { SeccompFilter, SeccompFilters, ThreadCore } from '../model';
import type { SeccompMode } from '../proc/status';
import * as ptrace from '../sys/ptrace';
import { describeTask, traceStep } from '../sys/thread-stop';
import type { Pid, Tid } from '../sys/types';

const SECCOMP_MODE_STRICT = 1;
const SECCOMP_MODE_FILTER = 2;

export class SeccompChains {
  private readonly filters: SeccompFilter[] = [];
  private readonly indexByLink = new Map<string, number>();

  /** The seccomp fields of the thread's core image; its filters join the list. */
  threadState(pid: Pid, tid: Tid, mode: SeccompMode | undefined): Pick<ThreadCore, 'seccompMode' | 'seccompFilter'> {
    if (mode === SECCOMP_MODE_FILTER) return { seccompMode: 'filter', seccompFilter: this.addChain(pid, tid) };
    return { seccompMode: mode === SECCOMP_MODE_STRICT ? 'strict' : undefined, seccompFilter: undefined };
  }

  image(): SeccompFilters {
    return { filters: this.filters };
  }

  /** Stores the thread's chain oldest first and returns the index of its newest filter. */
  private addChain(pid: Pid, tid: Tid): number {
    const chain = traceStep(pid, tid, 'PTRACE_SECCOMP_GET_FILTER', () => ptrace.seccompFilters(tid));
    if (chain.length === 0) throw new AmberError(`${describeTask(pid, tid)}: is in seccomp filter mode, but ptrace shows no filter`);
    return chain.reduce<number | undefined>((previous, program) => this.indexOf(previous, program), undefined)!;
  }

  private indexOf(previous: number | undefined, program: Buffer): number {
    const key = `${previous ?? '-'} ${program.toString('base64')}`;
    const known = this.indexByLink.get(key);
    if (known !== undefined) return known;
    const index = this.filters.push({ program, previous, flags: undefined }) - 1;
    this.indexByLink.set(key, index);
    return index;
  }
}
