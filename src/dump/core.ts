/**
 * A task's core images: per thread its registers, FPU state, TLS, signal
 * mask and stack, credentials and scheduling; for the task, signal actions,
 * timers, limits and the other process-wide state. What the kernel does not
 * show from outside is read by syscall injection, one short session per
 * thread, which leaves the thread as it was even if amber dies meanwhile.
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import type { IntervalTimer, Process, QueuedSignal, SignalAction, Thread, ThreadCore, TimeValue } from '../model';
import { readStat } from '../proc/stat';
import { readStatus } from '../proc/status';
import { SIGCHLD } from '../sys/constants';
import { InjectionSession } from '../sys/inject';
import { robustListOf, schedGetattr } from '../sys/process';
import * as ptrace from '../sys/ptrace';
import { parseGpRegs } from '../sys/regs';
import { restartedRegisters } from '../sys/syscall-restart';
import { readAltStack, readIntervalTimers, readPrctlState, readSignalActions, type IntervalTimer as MicrosecondTimer } from '../sys/task-query';
import { traceStep } from '../sys/thread-stop';
import type { Address, Pid, Tid } from '../sys/types';
import type { CgroupSets } from './cgroups';
import { credentialsOf } from './credentials';
import type { FrozenTask } from './freeze';
import { parseXsave } from './fpu';
import { dumpPosixTimers } from './posix-timers';
import { readProgramBreak, readSecurebits, readThpDisabled } from './injected';
import { readTlsDescriptors } from './tls';
import { readResourceLimits } from '../proc/limits';
import type { SeccompChains } from './seccomp';

const ARCHITECTURE = 'X86_64';

/** What the main thread's injection session also reads for the task's memory image. */
export interface MemoryFacts {
  programBreak: Address;
  dumpable: number;
  thpDisabled: boolean;
}

export interface CoreDump {
  threads: Thread[];
  process: Process;
  /** Undefined for a zombie. */
  memoryFacts: MemoryFacts | undefined;
}

function procText(pid: Pid, name: string): string {
  return fs.readFileSync(`/proc/${pid}/${name}`, 'utf8').trim();
}

/** A number from a /proc file that kernels without the feature (audit for loginuid) do not have. */
function optionalProcNumber(pid: Pid, name: string): number | undefined {
  return fs.existsSync(`/proc/${pid}/${name}`) ? Number(procText(pid, name)) : undefined;
}

const queued = (siginfos: Buffer[]): QueuedSignal[] => siginfos.map((siginfo) => ({ siginfo }));

function timeValue(microseconds: bigint): TimeValue {
  return { seconds: microseconds / 1_000_000n, microseconds: microseconds % 1_000_000n };
}

const intervalTimer = (timer: MicrosecondTimer): IntervalTimer => ({
  interval: timeValue(timer.intervalUs),
  remaining: timeValue(timer.valueUs),
});

function signalActionList(actions: ReturnType<typeof readSignalActions>): SignalAction[] {
  return [...actions.values()].map((action) => ({
    handler: action.handler,
    flags: action.flags,
    restorer: action.restorer,
    mask: action.mask,
    unmodeled: { compat_sigaction: false },
  }));
}

/** The rseq registration, or undefined when the thread has none. */
function rseqOf(tid: Tid): ThreadCore['rseq'] {
  const config = ptrace.getRseqConfiguration(tid);
  if (config.rseqAbiPointer === 0n) return undefined;
  return { area: config.rseqAbiPointer, size: config.rseqAbiSize, signature: config.signature };
}

/**
 * Signals whose action may be other than a never-changed SIG_DFL: caught or
 * ignored (/proc/PID/status), and SIGCHLD, whose SA_NOCLDWAIT counts even
 * with SIG_DFL (sigaction(2)). Flags and mask of another SIG_DFL signal
 * change nothing, so reading only these saves an injected syscall each.
 */
function signalsWithActions(pid: Pid): bigint {
  const status = readStatus(pid);
  return status.sigIgn | status.sigCgt | (1n << BigInt(SIGCHLD - 1));
}

interface InjectedThreadState {
  altStack: ReturnType<typeof readAltStack>;
  prctl: ReturnType<typeof readPrctlState>;
  securebits: number;
}

/** Runs `read` in one injection session on a seized, stopped thread; its scratch memory is gone when it returns. */
function injectInto<T>(pid: Pid, tid: Tid, read: (session: InjectionSession) => T): T {
  const session = InjectionSession.open(pid, tid);
  try {
    return read(session);
  } finally {
    session.close();
  }
}

function readThreadByInjection(session: InjectionSession): InjectedThreadState {
  return {
    altStack: readAltStack(session),
    prctl: readPrctlState(session),
    securebits: readSecurebits(session),
  };
}

const SCHED_FIFO = 1;
const SCHED_RR = 2;

function dumpThread(pid: Pid, tid: Tid, injected: InjectedThreadState, isMain: boolean, seccomp: SeccompChains, cgroups: CgroupSets | undefined): Thread {
  const status = readStatus(pid, tid);
  const regs = traceStep(pid, tid, 'PTRACE_GETREGSET', () => parseGpRegs(ptrace.getRegs(tid)));
  const xstate = traceStep(pid, tid, 'PTRACE_GETREGSET(NT_X86_XSTATE)', () => ptrace.getXstate(tid));
  const sched = schedGetattr(tid as Pid);
  const robustList = robustListOf(tid);
  const core: ThreadCore = {
    robustList: robustList.head,
    robustListLength: robustList.length,
    nice: readStat(pid, tid).nice,
    schedulingPolicy: sched.policy,
    schedulingPriority: sched.policy === SCHED_FIFO || sched.policy === SCHED_RR ? sched.priority : undefined,
    // The main thread's mask is the task's (Process.blockedSignals).
    blockedSignals: isMain ? undefined : ptrace.getSigmask(tid),
    signalStack: { address: injected.altStack.base, size: injected.altStack.size, flags: injected.altStack.flags },
    pendingSignals: queued(ptrace.pendingSignals(tid, false)),
    credentials: credentialsOf(status, injected.securebits, status.noNewPrivs === true),
    name: fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').replace(/\n$/, ''),
    parentDeathSignal: injected.prctl.pdeathsig === 0 ? undefined : injected.prctl.pdeathsig,
    ...seccomp.threadState(pid, tid, status.seccomp),
    rseq: rseqOf(tid),
    cgroupSet: cgroups?.setOf(pid, tid),
  };
  return {
    tid,
    architecture: ARCHITECTURE,
    cpu: {
      clearTidAddress: injected.prctl.tidAddress,
      registerMode: 'NATIVE',
      // The kernel's -ERESTART* results mean nothing outside this kernel: the
      // image holds the registers the restart would give, as CRIU's do, so that
      // any restorer resumes the syscall.
      registers: restartedRegisters(regs),
      fpu: parseXsave(xstate),
      tls: readTlsDescriptors(pid, tid),
    },
    core,
    // CRIU writes the signal sub-messages even when they hold nothing.
    unmodeled: { ...(isMain ? { tc: { signals_s: {} } } : {}), thread_core: { signals_p: {} } },
  };
}

function zombieCore(task: FrozenTask): CoreDump {
  const stat = readStat(task.pid);
  const process: Process = {
    state: 'dead',
    exitStatus: stat.exitCode,
    personality: 0,
    kernelFlags: 0,
    blockedSignals: 0n,
    name: stat.comm,
    timers: undefined,
    pendingSignals: [],
    limits: [],
    signalActions: [],
    loginUid: undefined,
    oomScoreAdjust: undefined,
    childSubreaper: undefined,
  };
  // A zombie's thread list in pstree.img is [0].
  return { threads: [{ tid: 0 as Tid, architecture: ARCHITECTURE, cpu: undefined, core: undefined }], process, memoryFacts: undefined };
}

/** The core state of every thread of a frozen task and the task's own state. */
export function dumpCore(task: FrozenTask, seccomp: SeccompChains, cgroups: CgroupSets | undefined): CoreDump {
  if (task.zombie) return zombieCore(task);
  const { pid } = task;
  const threads: Thread[] = [];
  let processPart: Omit<Process, 'blockedSignals' | 'name'> | undefined;
  let memoryFacts: MemoryFacts | undefined;
  for (const tid of task.threads) {
    const isMain = tid === pid;
    const { injected, main } = injectInto(pid, tid, (session) => ({
      injected: readThreadByInjection(session),
      main: isMain
        ? {
            actions: readSignalActions(session, signalsWithActions(pid)),
            timers: readIntervalTimers(session),
            posixTimers: dumpPosixTimers(pid, session),
            programBreak: readProgramBreak(session),
            thpDisabled: readThpDisabled(session),
          }
        : undefined,
    }));
    threads.push(dumpThread(pid, tid, injected, isMain, seccomp, cgroups));
    if (main === undefined) continue;
    memoryFacts = { programBreak: main.programBreak, dumpable: injected.prctl.dumpable, thpDisabled: main.thpDisabled };
    processPart = {
      state: task.stopped ? 'stopped' : 'alive',
      exitStatus: 0,
      personality: parseInt(procText(pid, 'personality'), 16),
      kernelFlags: readStat(pid).flags,
      timers: { real: intervalTimer(main.timers.real), virtual: intervalTimer(main.timers.virtual), profiling: intervalTimer(main.timers.prof), posix: main.posixTimers },
      pendingSignals: queued(ptrace.pendingSignals(tid, true)),
      limits: readResourceLimits(pid),
      signalActions: signalActionList(main.actions),
      loginUid: optionalProcNumber(pid, 'loginuid'),
      oomScoreAdjust: optionalProcNumber(pid, 'oom_score_adj'),
      childSubreaper: injected.prctl.childSubreaper,
    };
  }
  if (processPart === undefined || memoryFacts === undefined) throw new AmberError(`task ${pid}: its main thread was not seized`);
  const process: Process = { ...processPart, blockedSignals: ptrace.getSigmask(pid), name: threads[0].core?.name ?? readStat(pid).comm };
  return { threads, process, memoryFacts };
}
