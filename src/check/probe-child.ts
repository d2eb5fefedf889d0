import * as fs from 'node:fs';
import { clone3Stopped, kill, type Clone3Options } from '../sys/process';
import { SIGKILL, WUNTRACED, __WALL } from '../sys/constants';
import type { Address, Pid } from '../sys/types';
import { waitpid } from '../sys/wait';

/**
 * Runs `use` on a throwaway child of amber that is stopped before running
 * any code of its own, then kills and reaps it whatever happened, so a
 * probe never leaves a process behind. The child is not a Node.js child
 * process: libuv never waits for it, so its ptrace stops are amber's alone.
 */
export function withStoppedChild<T>(use: (child: Pid) => T, options: Clone3Options = {}): T {
  const child = clone3Stopped(options);
  try {
    waitpid(child, WUNTRACED | __WALL);
    return use(child);
  } finally {
    kill(child, SIGKILL);
    reap(child);
  }
}

/** Waits until `child` is gone (a traced child may report stops first). */
function reap(child: Pid): void {
  for (;;) {
    const result = waitpid(child, __WALL);
    if (result === null || result.status.kind === 'exited' || result.status.kind === 'signaled') return;
  }
}

/** Start address of the first mapping of `pid` whose permissions (as in /proc/PID/maps, e.g. "rw-p") match. */
export function firstMapping(pid: Pid, permissions: RegExp): Address {
  for (const line of fs.readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
    const [range, perms] = line.split(' ');
    if (perms !== undefined && permissions.test(perms)) return BigInt(`0x${range.split('-')[0]}`);
  }
  throw new Error(`task ${pid} has no mapping with permissions ${permissions.source}`);
}
