/**
 * The watchdog thread of stop-watchdog.ts. Every period it looks at which
 * thread amber's main thread waits for; one it has waited for since the
 * timeout or longer is killed, which ends the wait, and the wait is marked
 * expired.
 */
import { workerData } from 'node:worker_threads';
import { type WatchdogData, WatchdogCell } from './stop-watchdog-cells';

const { cells, timeoutMs, periodMs } = workerData as WatchdogData;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
let watched = -1;
let since = Date.now();

for (;;) {
  Atomics.wait(sleepCell, 0, 0, periodMs);
  // The tid first: the main thread sets it after starting a wait's generation and clears it when the wait ends,
  // so a generation read after a set tid is that tid's wait, or a later one that this tick then sees as new.
  const tid = Atomics.load(cells, WatchdogCell.Tid);
  const generation = Atomics.load(cells, WatchdogCell.Generation);
  if (tid === 0 || generation !== watched) {
    watched = generation;
    since = Date.now();
  } else if (Date.now() - since >= timeoutMs && Atomics.load(cells, WatchdogCell.Expired) !== generation) {
    Atomics.store(cells, WatchdogCell.Expired, generation);
    try {
      process.kill(tid, 'SIGKILL');
    } catch {
      // Gone already: its wait ends by itself.
    }
  }
}
