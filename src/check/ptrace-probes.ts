/** The ptrace requests amber freezes and reads tasks with, each tried on a throwaway traced child. */
import { __WALL } from '../sys/constants';
import { isSyscallError } from '../sys/native';
import { detach, getRseqConfiguration, interrupt, seccompGetFilter, seize } from '../sys/ptrace';
import type { Pid } from '../sys/types';
import { readTaskMemory } from '../sys/vm';
import { waitpid } from '../sys/wait';
import { present, type Feature } from './feature';
import { firstMapping, withStoppedChild } from './probe-child';

/** Seizes and interrupts the child; `use` runs while it is in a ptrace-stop. */
function withTracedChild<T>(use: (child: Pid) => T): T {
  return withStoppedChild((child) => {
    seize(child, 0);
    interrupt(child);
    const stop = waitpid(child, __WALL);
    if (stop?.status.kind !== 'stopped') throw new Error(`probe child ${child} did not stop after PTRACE_INTERRUPT`);
    return use(child);
  });
}

export const ptraceSeize: Feature = {
  name: 'ptrace_seize',
  description: 'PTRACE_SEIZE, PTRACE_INTERRUPT and PTRACE_DETACH',
  required: true,
  consequence: 'amber cannot freeze tasks: no dump is possible',
  probe: async () =>
    withTracedChild((child) => {
      detach(child);
      return present();
    }),
};

export const getRseqConf: Feature = {
  name: 'get_rseq_conf',
  description: 'PTRACE_GET_RSEQ_CONFIGURATION',
  required: true,
  consequence: 'tasks that registered rseq (every thread of glibc 2.35 and later) cannot be dumped',
  probe: async () =>
    withTracedChild((child) => {
      getRseqConfiguration(child);
      return present();
    }),
};

export const seccompFilters: Feature = {
  name: 'seccomp_filters',
  description: 'PTRACE_SECCOMP_GET_FILTER',
  required: false,
  consequence: 'tasks with seccomp filters cannot be dumped',
  probe: async () =>
    withTracedChild((child) => {
      try {
        seccompGetFilter(child, 0);
        return present();
      } catch (e) {
        // A kernel that knows the request answers EINVAL for a task without filters; one that does not, EIO.
        if (isSyscallError(e, 'EINVAL') || isSyscallError(e, 'ENOENT')) return present();
        throw e;
      }
    }),
};

export const processVmReadv: Feature = {
  name: 'process_vm_readv',
  description: 'process_vm_readv and process_vm_writev',
  required: true,
  consequence: 'amber cannot copy the memory of tasks',
  probe: async () =>
    withStoppedChild((child) => {
      readTaskMemory(child, [{ addr: firstMapping(child, /^r/), len: 8 }]);
      return present();
    }),
};
