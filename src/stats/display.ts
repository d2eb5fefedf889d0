/**
 * The --display-stats text, line for line as criu prints it, so that scripts
 * reading criu's "Frozen time: N us" lines read amber's too.
 */
import type { DumpStats, RestoreStats } from './kinds';

type Shown<Stats> = readonly [label: string, field: keyof Stats, unit: 'us' | 'pages'][];

const dumpLines: Shown<DumpStats> = [
  ['Freezing time', 'freezingTime', 'us'],
  ['Frozen time', 'frozenTime', 'us'],
  ['Memory dump time', 'memdumpTime', 'us'],
  ['Memory write time', 'memwriteTime', 'us'],
  ['IRMAP resolve time', 'irmapResolve', 'us'],
  ['Memory pages scanned', 'pagesScanned', 'pages'],
  ['Memory pages skipped from parent', 'pagesSkippedParent', 'pages'],
  ['Memory pages written', 'pagesWritten', 'pages'],
  ['Lazy memory pages', 'pagesLazy', 'pages'],
];

const restoreLines: Shown<RestoreStats> = [
  ['Pages compared', 'pagesCompared', 'pages'],
  ['Pages skipped COW', 'pagesSkippedCow', 'pages'],
  ['Pages restored', 'pagesRestored', 'pages'],
  ['Restore time', 'restoreTime', 'us'],
  ['Forking time', 'forkingTime', 'us'],
];

function render<Stats extends Record<string, number>>(title: string, lines: Shown<Stats>, stats: Stats): string {
  const shown = lines.map(([label, field, unit]) => {
    const value = stats[field];
    return `${label}: ${unit === 'us' ? `${value} us` : `${value} (0x${value.toString(16)})`}`;
  });
  return [title, ...shown, ''].join('\n');
}

export const displayDumpStats = (stats: DumpStats): string => render('Displaying dump stats:', dumpLines, stats);
export const displayRestoreStats = (stats: RestoreStats): string => render('Displaying restore stats:', restoreLines, stats);
