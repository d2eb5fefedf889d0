/** What amber's main thread and the page copy thread (copy-thread.ts) share. */
import type { PageRingData } from './page-ring';

/** Indexes into the shared Int32Array of counters. */
export enum CopyCell {
  /** Set by the copy thread once it takes jobs. */
  Ready = 0,
  /** Jobs the copy thread has finished, well or not. */
  JobsDone = 1,
  /** Pages copied so far. */
  Pages = 2,
  /** Set by the main thread: stop the current job at the next slot. */
  Cancel = 3,
}

export const COPY_CELLS = 4;

export interface CopyThreadData {
  ring: PageRingData;
  cells: Int32Array;
}

/** How one job ended. */
export interface CopyJobResult {
  error: string | null;
  /** The ring's writer failed: the copy thread has ended with it. */
  writerFailed: boolean;
}
