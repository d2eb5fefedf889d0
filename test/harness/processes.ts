/** Ending processes the harness did not start itself (a test program's children), by pid. */
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** SIGKILL; a process already gone is fine. */
export function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Waits until nothing holds `pid` any more (here a killed process can linger 1-2 s), so that a restore can take it again. */
export async function untilGone(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (fs.existsSync(`/proc/${pid}`)) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} is still there ${timeoutMs} ms after SIGKILL`);
    await sleep(10);
  }
}

export async function killAndWaitGone(pid: number): Promise<void> {
  killIfAlive(pid);
  await untilGone(pid);
}

/** The children a thread has made, from /proc/PID/task/TID/children (proc(5)); none once the thread has ended. */
function childrenOf(pid: number, tid: string): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** `pid` and every process below it. */
export function processTree(pid: number): number[] {
  const children = fs.readdirSync(`/proc/${pid}/task`).flatMap((tid) => childrenOf(pid, tid));
  return [pid, ...children.flatMap(processTree)];
}
