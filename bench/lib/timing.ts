import { performance } from 'node:perf_hooks';

export interface TimingOptions {
  /** Timed runs; the fastest one counts. */
  runs: number;
  /** Run untimed first so that JIT, caches and the page cache are warm; by default one run of the work itself. */
  warmUp?: () => unknown;
}

/** Seconds taken by the fastest of `runs` timed runs of `work`, after warming up. */
export async function fastestRun(work: () => unknown, { runs, warmUp = work }: TimingOptions): Promise<number> {
  await warmUp();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}
