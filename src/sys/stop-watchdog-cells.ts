/** What amber's main thread and the watchdog thread of stop-watchdog.ts share. */

/** Indexes into the shared Int32Array. */
export enum WatchdogCell {
  /** Counts the waits begun. */
  Generation = 0,
  /** The thread waited for, 0 between waits. */
  Tid = 1,
  /** The generation of the last wait the watchdog ended. */
  Expired = 2,
}

export const WATCHDOG_CELLS = 3;

export interface WatchdogData {
  cells: Int32Array;
  timeoutMs: number;
  periodMs: number;
}
