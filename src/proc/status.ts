/** /proc/PID/status (proc(5), fs/proc/array.c). */
import * as fs from 'node:fs';
import { FieldError, numberList, pid, tid, unsigned, unsigned64 } from './fields';
import { KeyedLines } from './keyed-lines';
import { type CapabilitySet, type Pid, type SignalMask, type Tid, taskPath } from './types';

/** Real, effective, saved set and filesystem ids, in that order in the file. */
export interface IdSet {
  real: number;
  effective: number;
  saved: number;
  filesystem: number;
}

/** 0: off, 1: strict mode, 2: filter mode (seccomp(2)). */
export type SeccompMode = 0 | 1 | 2;

export interface ProcStatus {
  /** The command name, with the kernel's escapes for "\n" and "\\" undone. */
  name: string;
  umask?: number;
  /** The state letter and the kernel's word for it: "S", "sleeping". */
  state: { code: string; description: string };
  tgid: Pid;
  /** NUMA group leader's pid (0: none); only with CONFIG_NUMA_BALANCING. */
  ngid?: number;
  pid: Tid;
  /** 0 for init and kernel threads' parent. */
  ppid: Pid;
  /** 0 when not traced. */
  tracerPid: Pid;
  uid: IdSet;
  gid: IdSet;
  fdSize: number;
  groups: number[];
  /** Ids in each pid namespace from the reader's one down to the task's own. */
  nsTgid: Pid[];
  nsPid: Tid[];
  nsPgid: Pid[];
  nsSid: Pid[];
  kthread?: boolean;
  threads: number;
  /** Queued signals for the real uid, and RLIMIT_SIGPENDING. */
  sigQ: { queued: number; limit: number };
  sigPnd: SignalMask;
  shdPnd: SignalMask;
  sigBlk: SignalMask;
  sigIgn: SignalMask;
  sigCgt: SignalMask;
  capInh: CapabilitySet;
  capPrm: CapabilitySet;
  capEff: CapabilitySet;
  capBnd: CapabilitySet;
  capAmb?: CapabilitySet;
  noNewPrivs?: boolean;
  seccomp?: SeccompMode;
  seccompFilters?: number;
  speculationStoreBypass?: string;
  cpusAllowedList: number[];
  memsAllowedList?: number[];
  voluntaryCtxtSwitches: number;
  nonvoluntaryCtxtSwitches: number;
  /** Every other line (Vm*, Rss*, Cpus_allowed, ...) as raw text by key. */
  extra: Map<string, string>;
}

const NAME_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', '\\': '\\' };

/** The kernel escapes the name with string_escape_str(ESCAPE_SPACE | ESCAPE_SPECIAL). */
function unescapeName(text: string): string {
  return text.replace(/\\([ntrfv\\])/g, (_, code: string) => NAME_ESCAPES[code]);
}

function ids(value: string, key: string): number[] {
  return value === '' ? [] : value.split(/\s+/).map((id) => unsigned(id, key));
}

const pids = (value: string, key: string): Pid[] => value.split(/\s+/).map((id) => pid(id, key));
const tids = (value: string, key: string): Tid[] => value.split(/\s+/).map((id) => tid(id, key));

function idSet(value: string, key: string): IdSet {
  const [real, effective, saved, filesystem] = ids(value, key);
  if (filesystem === undefined) throw new FieldError(`${key} needs four ids, got "${value}"`);
  return { real, effective, saved, filesystem };
}

const decimal = (value: string, key: string): number => unsigned(value, key);
const mask = (value: string, key: string): bigint => unsigned64(value, key, 16);
const flag = (value: string, key: string): boolean => unsigned(value, key) !== 0;
const list = (value: string, key: string): number[] => numberList(value, key);

function state(value: string, key: string): ProcStatus['state'] {
  const match = /^(\S) \((.*)\)$/.exec(value);
  if (match === null) throw new FieldError(`${key} is not "X (word)": "${value}"`);
  return { code: match[1], description: match[2] };
}

function seccompMode(value: string, key: string): SeccompMode {
  const mode = unsigned(value, key);
  if (mode !== 0 && mode !== 1 && mode !== 2) throw new FieldError(`unknown ${key} mode ${mode}`);
  return mode;
}

function signalQueue(value: string, key: string): ProcStatus['sigQ'] {
  const [queued, limit] = value.split('/');
  return { queued: unsigned(queued, `${key} queued`), limit: unsigned(limit, `${key} limit`) };
}

/** Parses the text of a status file; `file` names it in errors. */
export function parseStatus(text: string, file = '/proc/PID/status'): ProcStatus {
  const lines = KeyedLines.fromText(file, text);
  return {
    name: lines.take('Name', unescapeName),
    umask: lines.takeOptional('Umask', (value, key) => unsigned(value, key, 8)),
    state: lines.take('State', state),
    tgid: lines.take('Tgid', pid),
    ngid: lines.takeOptional('Ngid', decimal),
    pid: lines.take('Pid', tid),
    ppid: lines.take('PPid', pid),
    tracerPid: lines.take('TracerPid', pid),
    uid: lines.take('Uid', idSet),
    gid: lines.take('Gid', idSet),
    fdSize: lines.take('FDSize', decimal),
    groups: lines.take('Groups', ids),
    nsTgid: lines.take('NStgid', pids),
    nsPid: lines.take('NSpid', tids),
    nsPgid: lines.take('NSpgid', pids),
    nsSid: lines.take('NSsid', pids),
    kthread: lines.takeOptional('Kthread', flag),
    threads: lines.take('Threads', decimal),
    sigQ: lines.take('SigQ', signalQueue),
    sigPnd: lines.take('SigPnd', mask),
    shdPnd: lines.take('ShdPnd', mask),
    sigBlk: lines.take('SigBlk', mask),
    sigIgn: lines.take('SigIgn', mask),
    sigCgt: lines.take('SigCgt', mask),
    capInh: lines.take('CapInh', mask),
    capPrm: lines.take('CapPrm', mask),
    capEff: lines.take('CapEff', mask),
    capBnd: lines.take('CapBnd', mask),
    capAmb: lines.takeOptional('CapAmb', mask),
    noNewPrivs: lines.takeOptional('NoNewPrivs', flag),
    seccomp: lines.takeOptional('Seccomp', seccompMode),
    seccompFilters: lines.takeOptional('Seccomp_filters', decimal),
    speculationStoreBypass: lines.takeOptional('Speculation_Store_Bypass', (value) => value),
    cpusAllowedList: lines.take('Cpus_allowed_list', list),
    memsAllowedList: lines.takeOptional('Mems_allowed_list', list),
    voluntaryCtxtSwitches: lines.take('voluntary_ctxt_switches', decimal),
    nonvoluntaryCtxtSwitches: lines.take('nonvoluntary_ctxt_switches', decimal),
    extra: lines.rest(),
  };
}

/** Reads /proc/PID/status, or a thread's /proc/PID/task/TID/status when `tid` is given. */
export function readStatus(pid: Pid, tid?: Tid): ProcStatus {
  const file = taskPath(pid, tid, 'status');
  return parseStatus(fs.readFileSync(file, 'utf8'), file);
}
