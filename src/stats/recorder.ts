import { performance } from 'node:perf_hooks';

/**
 * Phase timers and counters of one dump or restore. Timers add up every
 * start/stop interval in microseconds; counters add up what they are given.
 */
export class StatsRecorder<Timer extends string, Counter extends string> {
  private readonly totals = new Map<Timer | Counter, number>();
  private readonly running = new Map<Timer, number>();

  constructor(
    private readonly timers: readonly Timer[],
    private readonly counters: readonly Counter[],
  ) {}

  start(timer: Timer): void {
    if (this.running.has(timer)) throw new Error(`stats timer ${timer} is already running`);
    this.running.set(timer, performance.now());
  }

  /** Stops the timer and returns the microseconds since its start (also added to its total). */
  stop(timer: Timer): number {
    const startedAt = this.running.get(timer);
    if (startedAt === undefined) throw new Error(`stats timer ${timer} was not started`);
    this.running.delete(timer);
    const micros = Math.round((performance.now() - startedAt) * 1000);
    this.totals.set(timer, this.get(timer) + micros);
    return micros;
  }

  /** Times `work` with the timer, stopping it however `work` ends. */
  async time<T>(timer: Timer, work: () => Promise<T> | T): Promise<T> {
    this.start(timer);
    try {
      return await work();
    } finally {
      this.stop(timer);
    }
  }

  add(counter: Counter, amount = 1): void {
    this.totals.set(counter, this.get(counter) + amount);
  }

  /** A timer's total in microseconds (running intervals not included), or a counter's total. */
  get(name: Timer | Counter): number {
    return this.totals.get(name) ?? 0;
  }

  /** Every timer's and counter's total, zero for those never used. */
  totalsByName(): Record<Timer | Counter, number> {
    const names: (Timer | Counter)[] = [...this.timers, ...this.counters];
    return Object.fromEntries(names.map((name) => [name, this.get(name)])) as Record<Timer | Counter, number>;
  }
}
