/**
 * A one-line progress bar on stderr for dump and restore: pages done of all,
 * percent and MB/s. Drawn only on a terminal, only once the operation has
 * taken a second, at most ten times a second, and cleared at the end.
 */
import { PAGE_SIZE } from '../sys/constants';

/** What the bar writes to: process.stderr, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** No bar for operations quicker than this. */
  delayMs?: number;
  /** Least time between two redraws. */
  intervalMs?: number;
  now?: () => number;
}

const DEFAULT_COLUMNS = 80;
const MIN_BAR = 10;
const CLEAR_LINE = '\r\x1b[K';

/** The bar's text, fitted to `columns`: "LABEL [####----] DONE/TOTAL pages PCT% RATE MB/s". */
export function renderProgress(label: string, done: number, total: number, elapsedMs: number, columns: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const megabytesPerSecond = elapsedMs > 0 ? (done * PAGE_SIZE) / 1e6 / (elapsedMs / 1000) : 0;
  const figures = ` ${done}/${total} pages ${Math.floor(fraction * 100)}% ${megabytesPerSecond.toFixed(1)} MB/s`;
  const barWidth = columns - 1 - label.length - 3 - figures.length;
  if (barWidth < MIN_BAR) return `${label}${figures}`.slice(0, columns - 1);
  const filled = Math.round(fraction * barWidth);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${figures}`;
}

export class ProgressBar {
  private readonly startedAt: number;
  private lastDrawnAt: number | null = null;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly label: string,
    private readonly stream: ProgressStream = process.stderr,
    options: ProgressOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 1000;
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** Reports progress; suits DumpOptions.onProgress and RestoreOptions.onProgress. */
  readonly update = (done: number, total: number): void => {
    if (this.stream.isTTY !== true) return;
    const now = this.now();
    const elapsed = now - this.startedAt;
    if (elapsed < this.delayMs) return;
    if (this.lastDrawnAt !== null && now - this.lastDrawnAt < this.intervalMs) return;
    this.lastDrawnAt = now;
    this.stream.write(`${CLEAR_LINE}${renderProgress(this.label, done, total, elapsed, this.stream.columns ?? DEFAULT_COLUMNS)}`);
  };

  /** Takes the bar off the screen, if it was ever drawn. */
  finish(): void {
    if (this.lastDrawnAt !== null) this.stream.write(CLEAR_LINE);
    this.lastDrawnAt = null;
  }
}
