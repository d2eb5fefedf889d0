/** What the stats-dump and stats-restore images hold (stats_entry), named as amber's code names them. */
import { StatsRecorder } from './recorder';

/** Microseconds. */
export const DUMP_TIMERS = ['freezingTime', 'frozenTime', 'memdumpTime', 'memwriteTime'] as const;
export const DUMP_COUNTERS = [
  'pagesScanned',
  'pagesSkippedParent',
  'pagesWritten',
  'irmapResolve',
  'pagesLazy',
  'pagePipes',
  'pagePipeBufs',
  'shpagesScanned',
  'shpagesSkippedParent',
  'shpagesWritten',
] as const;

/** Microseconds. */
export const RESTORE_TIMERS = ['forkingTime', 'restoreTime'] as const;
export const RESTORE_COUNTERS = ['pagesCompared', 'pagesSkippedCow', 'pagesRestored'] as const;

export type DumpTimer = (typeof DUMP_TIMERS)[number];
export type DumpCounter = (typeof DUMP_COUNTERS)[number];
export type RestoreTimer = (typeof RESTORE_TIMERS)[number];
export type RestoreCounter = (typeof RESTORE_COUNTERS)[number];

export type DumpStats = Record<DumpTimer | DumpCounter, number>;
export type RestoreStats = Record<RestoreTimer | RestoreCounter, number>;

export type DumpStatsRecorder = StatsRecorder<DumpTimer, DumpCounter>;
export type RestoreStatsRecorder = StatsRecorder<RestoreTimer, RestoreCounter>;

export const dumpStatsRecorder = (): DumpStatsRecorder => new StatsRecorder(DUMP_TIMERS, DUMP_COUNTERS);
export const restoreStatsRecorder = (): RestoreStatsRecorder => new StatsRecorder(RESTORE_TIMERS, RESTORE_COUNTERS);
