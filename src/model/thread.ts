/** One thread's saved state: its core image (core-TID.img) apart from the process-wide part. */
import { bigInteger, enumName, integer, list, optional, text, wordSet } from './codecs';
import { type CpuState, cpuStateRule } from './cpu';
import { queuedSignals, type QueuedSignal } from './process';
import { field, optionalGroup, type Codec, type Modeled, type Rules } from './fields';
import type { Address, CapabilitySet, SignalSet, Tid } from './ids';

/** sigaltstack(2) settings. */
export interface SignalStack {
  address: Address;
  size: bigint;
  /** SS_ONSTACK (1), SS_DISABLE (2), SS_AUTODISARM. */
  flags: number;
}

export interface Credentials {
  uid: number;
  gid: number;
  euid: number;
  egid: number;
  suid: number;
  sgid: number;
  fsuid: number;
  fsgid: number;
  inheritable: CapabilitySet | undefined;
  permitted: CapabilitySet | undefined;
  effective: CapabilitySet | undefined;
  bounding: CapabilitySet | undefined;
  ambient: CapabilitySet | undefined;
  /** prctl(PR_SET_SECUREBITS) bits. */
  securebits: number;
  supplementaryGroups: number[];
  /** prctl(PR_SET_NO_NEW_PRIVS); undefined when the image does not say. */
  noNewPrivileges: boolean | undefined;
}

/** rseq(2) registration. */
export interface RseqRegistration {
  area: Address;
  size: number;
  signature: number;
}

/** What only this thread has (thread_core_entry); a zombie has none. */
export interface ThreadCore {
  /** set_robust_list(2) head and length. */
  robustList: Address;
  robustListLength: number;
  nice: number | undefined;
  schedulingPolicy: number | undefined;
  /** The static priority of a real-time policy (SCHED_FIFO, SCHED_RR). */
  schedulingPriority: number | undefined;
  /** This thread's blocked signals; CRIU stores it for threads other than the main one (see Process.blockedSignals). */
  blockedSignals: SignalSet | undefined;
  signalStack: SignalStack | undefined;
  /** Signals pending for this thread only. */
  pendingSignals: QueuedSignal[];
  credentials: Credentials | undefined;
  name: string | undefined;
  /** prctl(PR_SET_PDEATHSIG); undefined for none. */
  parentDeathSignal: number | undefined;
  seccompMode: 'disabled' | 'strict' | 'filter' | undefined;
  /** Index in Checkpoint.seccomp.filters of the last filter installed on this thread. */
  seccompFilter: number | undefined;
  rseq: RseqRegistration | undefined;
  /** Which entry of cgroup.img's sets the thread is in. */
  cgroupSet: number | undefined;
}

export interface Thread extends Modeled {
  tid: Tid;
  architecture: string;
  cpu: CpuState | undefined;
  core: ThreadCore | undefined;
}

const capabilities = optional(wordSet);

/** A uint32 field that holds 0 or 1. */
const optionalFlag: Codec<boolean | undefined> = {
  read: (value) => (value === undefined ? undefined : integer.read(value) !== 0),
  write: (value) => (value === undefined ? undefined : Number(value)),
};

const credentialRules: Rules<Credentials> = {
  uid: field('uid', integer),
  gid: field('gid', integer),
  euid: field('euid', integer),
  egid: field('egid', integer),
  suid: field('suid', integer),
  sgid: field('sgid', integer),
  fsuid: field('fsuid', integer),
  fsgid: field('fsgid', integer),
  inheritable: field('cap_inh', capabilities),
  permitted: field('cap_prm', capabilities),
  effective: field('cap_eff', capabilities),
  bounding: field('cap_bnd', capabilities),
  ambient: field('cap_amb', capabilities),
  securebits: field('secbits', integer),
  supplementaryGroups: field('groups', list(integer)),
  noNewPrivileges: field('no_new_privs', optionalFlag),
};

const threadCoreRules: Rules<ThreadCore> = {
  robustList: field('futex_rla', bigInteger),
  robustListLength: field('futex_rla_len', integer),
  nice: field('sched_nice', optional(integer)),
  schedulingPolicy: field('sched_policy', optional(integer)),
  schedulingPriority: field('sched_prio', optional(integer)),
  blockedSignals: field('blk_sigset', optional(bigInteger)),
  signalStack: optionalGroup('sas', {
    address: field('ss_sp', bigInteger),
    size: field('ss_size', bigInteger),
    flags: field('ss_flags', integer),
  }),
  pendingSignals: field('signals_p.signals', queuedSignals),
  credentials: optionalGroup('creds', credentialRules),
  name: field('comm', optional(text)),
  parentDeathSignal: field('pdeath_sig', optional(integer)),
  seccompMode: field('seccomp_mode', optional(enumName(['disabled', 'strict', 'filter'] as const))),
  seccompFilter: field('seccomp_filter', optional(integer)),
  rseq: optionalGroup('rseq_entry', {
    area: field('rseq_abi_pointer', bigInteger),
    size: field('rseq_abi_size', integer),
    signature: field('signature', integer),
  }),
  cgroupSet: field('cg_set', optional(integer)),
};

/** Where a thread's fields sit in its core entry; `tid` comes from the process tree instead. */
export const threadRules: Rules<Omit<Thread, 'tid'>> = {
  architecture: field('mtype', text),
  cpu: cpuStateRule,
  core: optionalGroup('thread_core', threadCoreRules),
};
