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

/** One timed run: untimed preparation (warming up memory...) first, untimed clean-up after. */
export interface TimedStep {
  prepare?: () => unknown;
  work: () => unknown;
  cleanUp?: () => unknown;
}

/**
 * Seconds of the median of `runs` timed runs of `step.work`, after one
 * untimed run that warms up amber's code: the median, unlike the fastest
 * run, is steady on a machine other people share.
 */
export async function medianRun(step: TimedStep, runs: number): Promise<number> {
  return (await interleavedMedians({ step }, runs)).step;
}

/**
 * Median seconds of each of `steps` over `runs` rounds, each running every
 * step once in turn, after one untimed round: on a machine whose speed
 * drifts from minute to minute, a step and the limit it is measured against
 * meet the same drift.
 */
export async function interleavedMedians<K extends string>(steps: Record<K, TimedStep>, runs: number): Promise<Record<K, number>> {
  const seconds = new Map<K, number[]>();
  for (let run = 0; run <= runs; run++) {
    for (const [key, step] of Object.entries(steps) as [K, TimedStep][]) {
      await step.prepare?.();
      const start = performance.now();
      await step.work();
      if (run > 0) seconds.set(key, [...(seconds.get(key) ?? []), (performance.now() - start) / 1000]);
      await step.cleanUp?.();
    }
  }
  return Object.fromEntries([...seconds].map(([key, values]) => [key, median(values)])) as Record<K, number>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
