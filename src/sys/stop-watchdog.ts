/**
 * Waiting for a traced thread's next stop without polling: the wait blocks
 * in the kernel and returns the moment the thread stops, where a poll
 * would find the stop only after its next sleep. A watchdog thread keeps
 * the timeout: a thread that does not stop in time is killed with its
 * whole process, which ends the wait. Only for tasks that amber created
 * and kills anyway when it fails (restore).
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AmberError } from '../errors';
import { __WALL, WaitIdType, WEXITED, WNOWAIT, WSTOPPED } from './constants';
import { isSyscallError } from './native';
import { WATCHDOG_CELLS, WatchdogCell, type WatchdogData } from './stop-watchdog-cells';
import { describeTask, type ThreadStop, waitForStop } from './thread-stop';
import type { Pid, Tid } from './types';
import { waitid } from './wait';

const TIMEOUT_MS = 10_000;
/** How often the watchdog looks: a late thread dies up to this much after the timeout. */
const PERIOD_MS = 500;
/** Any stop or end of the thread, left for `waitForStop` to collect (waitid(2) WNOWAIT). */
const STOP_OR_END = WSTOPPED | WEXITED | WNOWAIT | __WALL;

let cells: Int32Array | null = null;

function watchdogCells(): Int32Array {
  if (cells === null) {
    cells = new Int32Array(new SharedArrayBuffer(WATCHDOG_CELLS * Int32Array.BYTES_PER_ELEMENT));
    const data: WatchdogData = { cells, timeoutMs: TIMEOUT_MS, periodMs: PERIOD_MS };
    // It runs as long as amber does, and does not keep amber running.
    new Worker(path.join(__dirname, 'stop-watchdog-thread.js'), { workerData: data }).unref();
  }
  return cells;
}

/** Blocks until the thread has something to report; a thread amber no longer traces is for `waitForStop` to report. */
function awaitReport(tid: Tid): void {
  for (;;) {
    try {
      waitid(WaitIdType.Pid, tid, STOP_OR_END);
      return;
    } catch (e) {
      if (isSyscallError(e, 'ECHILD')) return;
      if (!isSyscallError(e, 'EINTR')) throw e;
    }
  }
}

/** The thread's next stop, as `waitForStop` reports it; a thread that has not stopped after TIMEOUT_MS is killed. */
export function waitForStopOrKill(pid: Pid, tid: Tid): ThreadStop {
  const shared = watchdogCells();
  Atomics.add(shared, WatchdogCell.Generation, 1);
  const generation = Atomics.load(shared, WatchdogCell.Generation);
  Atomics.store(shared, WatchdogCell.Tid, tid);
  try {
    awaitReport(tid);
  } finally {
    Atomics.store(shared, WatchdogCell.Tid, 0);
  }
  if (Atomics.load(shared, WatchdogCell.Expired) === generation) {
    throw new AmberError(`${describeTask(pid, tid)}: did not stop within ${TIMEOUT_MS} ms and was killed`);
  }
  return waitForStop(pid, tid);
}
