/** /proc/PID/timers: the POSIX timers of a process (proc(5), fs/proc/base.c show_timer). */
import * as fs from 'node:fs';
import { FieldError, oneOf, tid, unsigned, unsigned64 } from './fields';
import { KeyedLines } from './keyed-lines';
import { records } from './lines';
import { type Pid, procPath, type Tid } from './types';

const NOTIFY_KINDS = ['signal', 'none', 'thread'] as const;
/** SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD. */
export type TimerNotify = (typeof NOTIFY_KINDS)[number];

export interface PosixTimer {
  /** The timer_t the process got from timer_create. */
  id: number;
  signal: number;
  /** sigev_value, as the pointer-sized integer the kernel keeps. */
  value: bigint;
  notify: TimerNotify;
  /** Who is notified: the process, or one thread (SIGEV_THREAD_ID). */
  target: { kind: 'pid' | 'tid'; id: Tid };
  clockId: number;
}

function signalAndValue(value: string, key: string): { signal: number; value: bigint } {
  const [signal, sigval] = value.split('/');
  return { signal: unsigned(signal, `${key} number`), value: unsigned64(sigval, `${key} value`, 16) };
}

function notification(value: string, key: string): Pick<PosixTimer, 'notify' | 'target'> {
  const match = /^(\w+)\/(pid|tid)\.(\d+)$/.exec(value);
  if (match === null) throw new FieldError(`${key} is not "HOW/pid.N" or "HOW/tid.N": "${value}"`);
  const kind = match[2] === 'tid' ? 'tid' : 'pid';
  return { notify: oneOf(match[1], NOTIFY_KINDS, key), target: { kind, id: tid(match[3], key) } };
}

function timer(lines: KeyedLines): PosixTimer {
  return {
    id: lines.take('ID', (value, key) => unsigned(value, key)),
    ...lines.take('signal', signalAndValue),
    ...lines.take('notify', notification),
    clockId: lines.take('ClockID', (value, key) => unsigned(value, key)),
  };
}

/** Parses the text of a timers file; `file` names it in errors. Each timer starts with an "ID:" line. */
export function parseTimers(text: string, file = '/proc/PID/timers'): PosixTimer[] {
  return records(file, text, (line) => line.startsWith('ID:')).map((record) => timer(new KeyedLines(file, record)));
}

export function readTimers(pid: Pid): PosixTimer[] {
  const file = procPath(pid, 'timers');
  return parseTimers(fs.readFileSync(file, 'utf8'), file);
}
