/** Timings and page counters of a dump or restore, and the stats images that keep them. */
export { StatsRecorder } from './recorder';
export {
  dumpStatsRecorder,
  restoreStatsRecorder,
  type DumpStats,
  type DumpStatsRecorder,
  type RestoreStats,
  type RestoreStatsRecorder,
} from './kinds';
export { displayDumpStats, displayRestoreStats } from './display';
export { STATS_DUMP, STATS_RESTORE, writeDumpStats, writeRestoreStats } from './images';
