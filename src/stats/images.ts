/** The stats-dump and stats-restore files CRIU leaves in the images directory, and amber too. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeImage } from '../images';
import { DUMP_TIMERS, RESTORE_TIMERS, type DumpStats, type RestoreStats } from './kinds';

export const STATS_DUMP = 'stats-dump';
export const STATS_RESTORE = 'stats-restore';

const UINT32_MAX = 2 ** 32 - 1;
const TIMERS: ReadonlySet<string> = new Set([...DUMP_TIMERS, ...RESTORE_TIMERS]);

/** pagesSkippedCow -> pages_skipped_cow, as stats_entry names its fields; times are uint32 there. */
function toFields(stats: DumpStats | RestoreStats): Record<string, number> {
  return Object.fromEntries(
    Object.entries(stats).map(([name, value]) => [
      name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
      TIMERS.has(name) ? Math.min(value, UINT32_MAX) : value,
    ]),
  );
}

/** Written synchronously: a few dozen bytes, where an asynchronous write first waits for a thread of libuv's pool. */
function writeStats(dir: string, name: string, entry: Record<string, Record<string, number>>): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, encodeImage({ magic: 'STATS', entries: [entry] }, name));
  return file;
}

/** Writes DIR/stats-dump; returns its path. */
export function writeDumpStats(dir: string, stats: DumpStats): string {
  return writeStats(dir, STATS_DUMP, { dump: toFields(stats) });
}

/** Writes DIR/stats-restore; returns its path. */
export function writeRestoreStats(dir: string, stats: RestoreStats): string {
  return writeStats(dir, STATS_RESTORE, { restore: toFields(stats) });
}
