/** /proc/PID/stat and /proc/PID/task/TID/stat (proc(5), fs/proc/array.c). */
import * as fs from 'node:fs';
import { FieldError, oneOf, pid, signed, unsigned, unsigned64 } from './fields';
import { atLine } from './lines';
import { type Address, type ClockTicks, type Pid, type SignalMask, type Tid, taskPath } from './types';

/** Task states as stat prints them (proc(5): R S D T t X Z P I; W, x and K on old kernels). */
const TASK_STATES = ['R', 'S', 'D', 'T', 't', 'X', 'x', 'Z', 'P', 'I', 'W', 'K'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export interface ProcStat {
  pid: Pid;
  /** The command name, any bytes but NUL, up to 15 characters; may contain spaces, ')' and newlines. */
  comm: string;
  state: TaskState;
  ppid: Pid;
  pgrp: Pid;
  session: Pid;
  /** Controlling terminal as a kernel dev_t (0: none). */
  ttyNr: number;
  /** Foreground process group of the controlling terminal; null without one. */
  tpgid: Pid | null;
  /** PF_* flags. */
  flags: number;
  minorFaults: number;
  childMinorFaults: number;
  majorFaults: number;
  childMajorFaults: number;
  utime: ClockTicks;
  stime: ClockTicks;
  childUtime: ClockTicks;
  childStime: ClockTicks;
  priority: number;
  nice: number;
  numThreads: number;
  itrealValue: number;
  /** Ticks after boot at which the task started. */
  startTime: ClockTicks;
  /** Virtual memory size in bytes. */
  vsize: number;
  /** Resident pages. */
  rss: number;
  rssLimit: bigint;
  startCode: Address;
  endCode: Address;
  startStack: Address;
  kstkEsp: Address;
  kstkEip: Address;
  /** Obsolete decimal signal sets (only the first 32 signals are meaningful); status has the full masks. */
  signal: SignalMask;
  blocked: SignalMask;
  sigIgnore: SignalMask;
  sigCatch: SignalMask;
  wchan: bigint;
  nswap: number;
  cnswap: number;
  exitSignal: number;
  processor: number;
  rtPriority: number;
  policy: number;
  delayAcctBlkioTicks: ClockTicks;
  guestTime: ClockTicks;
  childGuestTime: ClockTicks;
  startData: Address;
  endData: Address;
  startBrk: Address;
  argStart: Address;
  argEnd: Address;
  envStart: Address;
  envEnd: Address;
  /** The exit status in waitpid(2) form (0 while running). */
  exitCode: number;
}

/** Fields after comm, in order; stat prints them separated by single spaces. */
const FIELDS_AFTER_COMM = 50;

function parseFields(pidText: string, comm: string, rest: string[]): ProcStat {
  if (rest.length < FIELDS_AFTER_COMM) {
    throw new FieldError(`expected ${FIELDS_AFTER_COMM} fields after the command name, got ${rest.length}`);
  }
  let next = 0;
  const n = (what: string): number => signed(rest[next++], what);
  const u = (what: string): number => unsigned(rest[next++], what);
  const big = (what: string): bigint => unsigned64(rest[next++], what);
  const task = (what: string): Pid => pid(rest[next++], what);
  const taskOrNone = (what: string): Pid | null => {
    const token = rest[next++];
    return token === '-1' ? null : pid(token, what);
  };
  const state = oneOf(rest[next++], TASK_STATES, 'task state');
  return {
    pid: pid(pidText, 'pid'),
    comm,
    state,
    ppid: task('ppid'),
    pgrp: task('pgrp'),
    session: task('session'),
    ttyNr: n('tty_nr'),
    tpgid: taskOrNone('tpgid'),
    flags: u('flags'),
    minorFaults: u('minflt'),
    childMinorFaults: u('cminflt'),
    majorFaults: u('majflt'),
    childMajorFaults: u('cmajflt'),
    utime: u('utime'),
    stime: u('stime'),
    childUtime: n('cutime'),
    childStime: n('cstime'),
    priority: n('priority'),
    nice: n('nice'),
    numThreads: u('num_threads'),
    itrealValue: n('itrealvalue'),
    startTime: u('starttime'),
    vsize: u('vsize'),
    rss: n('rss'),
    rssLimit: big('rsslim'),
    startCode: big('startcode'),
    endCode: big('endcode'),
    startStack: big('startstack'),
    kstkEsp: big('kstkesp'),
    kstkEip: big('kstkeip'),
    signal: big('signal'),
    blocked: big('blocked'),
    sigIgnore: big('sigignore'),
    sigCatch: big('sigcatch'),
    wchan: big('wchan'),
    nswap: u('nswap'),
    cnswap: u('cnswap'),
    exitSignal: n('exit_signal'),
    processor: u('processor'),
    rtPriority: u('rt_priority'),
    policy: u('policy'),
    delayAcctBlkioTicks: u('delayacct_blkio_ticks'),
    guestTime: u('guest_time'),
    childGuestTime: n('cguest_time'),
    startData: big('start_data'),
    endData: big('end_data'),
    startBrk: big('start_brk'),
    argStart: big('arg_start'),
    argEnd: big('arg_end'),
    envStart: big('env_start'),
    envEnd: big('env_end'),
    exitCode: n('exit_code'),
  };
}

/** Parses the text of a stat file; `file` names it in errors. */
export function parseStat(text: string, file = '/proc/PID/stat'): ProcStat {
  return atLine(file, 1, () => {
    // comm is printed raw, so it may hold ')' or even a newline: it ends at the LAST ')'.
    const open = text.indexOf(' (');
    const close = text.lastIndexOf(')');
    if (open < 0 || close < open) throw new FieldError('no "(comm)" field');
    const rest = text.slice(close + 1).trim().split(' ');
    return parseFields(text.slice(0, open), text.slice(open + 2, close), rest);
  });
}

/** Reads /proc/PID/stat, or a thread's /proc/PID/task/TID/stat when `tid` is given. */
export function readStat(pid: Pid, tid?: Tid): ProcStat {
  const file = taskPath(pid, tid, 'stat');
  return parseStat(fs.readFileSync(file, 'utf8'), file);
}
