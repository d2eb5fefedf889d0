/**
 * /proc/PID/task/TID/syscall (proc(5)): the system call a blocked thread is
 * in, with its six arguments; "running" while it runs, and "-1 SP PC" when
 * it is blocked outside any system call.
 */
import * as fs from 'node:fs';
import { FieldError, signed, unsigned64 } from './fields';
import { atLine } from './lines';
import { taskPath, type Pid, type Tid } from './types';

export type ThreadSyscall = { kind: 'running' } | { kind: 'outside' } | { kind: 'inside'; number: number; args: bigint[] };

const hexWord = (token: string | undefined, what: string): bigint => {
  if (token === undefined || !token.startsWith('0x')) throw new FieldError(`${what} is not 0x-prefixed hex: "${token}"`);
  return unsigned64(token.slice(2), what, 16);
};

export function parseSyscall(text: string, file = '/proc/PID/syscall'): ThreadSyscall {
  return atLine(file, 1, () => {
    const [first, ...rest] = text.trim().split(' ');
    if (first === 'running') return { kind: 'running' };
    const number = signed(first, 'syscall number');
    if (number === -1) return { kind: 'outside' };
    return { kind: 'inside', number, args: rest.slice(0, 6).map((token, i) => hexWord(token, `argument ${i + 1}`)) };
  });
}

export function readSyscall(pid: Pid, tid: Tid): ThreadSyscall {
  const file = taskPath(pid, tid, 'syscall');
  return parseSyscall(fs.readFileSync(file, 'utf8'), file);
}
