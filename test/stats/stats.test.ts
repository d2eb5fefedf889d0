import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { displayDumpStats, displayRestoreStats, dumpStatsRecorder, restoreStatsRecorder, writeDumpStats, writeRestoreStats, type DumpStats, type RestoreStats } from '../../src/stats';
import { fixturesRoot } from '../crit/fixtures';

const AMBER = path.resolve(__dirname, '../../src/cli/main.js');
const debianCrit = ['/usr/bin/crit', '/usr/sbin/crit'].find((file) => fs.existsSync(file));

function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-stats-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const amberDecode = (file: string): unknown => JSON.parse(execFileSync(process.execPath, [AMBER, 'crit', 'decode', '-i', file], { encoding: 'utf8' }));
const debianDecode = (file: string): unknown => JSON.parse(execFileSync(debianCrit ?? 'crit', ['decode', '-i', file], { encoding: 'utf8' }));

/** Distinct values, so that a field written under the wrong name shows. */
function numbered<K extends string>(names: readonly K[]): Record<K, number> {
  return Object.fromEntries(names.map((name, i) => [name, 1000 + i])) as Record<K, number>;
}

test('phase timers return the microseconds of each interval and add them up', async () => {
  const stats = dumpStatsRecorder();
  stats.start('frozenTime');
  await sleep(30);
  const first = stats.stop('frozenTime');
  assert.ok(first >= 29_000 && first < 2_000_000, `${first} us`);
  const second = await stats.time('frozenTime', () => sleep(10).then(() => stats.get('frozenTime')));
  assert.equal(second, first, 'a running interval is not counted');
  assert.ok(stats.get('frozenTime') >= first + 9_000);
  stats.add('pagesWritten', 5);
  stats.add('pagesWritten');
  assert.equal(stats.get('pagesWritten'), 6);
  assert.throws(() => stats.stop('memdumpTime'), /not started/);
  stats.start('memdumpTime');
  assert.throws(() => stats.start('memdumpTime'), /already running/);
  const totals = stats.totalsByName();
  assert.equal(totals.pagesScanned, 0);
  assert.equal(totals.pagesWritten, 6);
});

test('stats-dump decodes, with amber crit, to the fields and order of a CRIU dump', async (t) => {
  const recorder = dumpStatsRecorder();
  const stats: DumpStats = numbered(Object.keys(recorder.totalsByName()) as (keyof DumpStats)[]);
  const file = writeDumpStats(tempDir(t), stats);
  assert.equal(path.basename(file), 'stats-dump');
  const decoded = amberDecode(file) as { magic: string; entries: { dump: Record<string, number> }[] };
  const criuDump = JSON.parse(fs.readFileSync(path.join(fixturesRoot, 'loop', 'stats-dump.json'), 'utf8')).entries[0].dump;
  assert.equal(decoded.magic, 'STATS');
  assert.equal(decoded.entries.length, 1);
  assert.deepEqual(Object.keys(decoded.entries[0].dump), Object.keys(criuDump));
  assert.equal(decoded.entries[0].dump.pages_skipped_parent, stats.pagesSkippedParent);
  assert.equal(decoded.entries[0].dump.shpages_written, stats.shpagesWritten);
  assert.equal(decoded.entries[0].dump.freezing_time, stats.freezingTime);
});

test('stats-restore decodes with amber crit to restore_stats_entry', async (t) => {
  const stats: RestoreStats = { ...restoreStatsRecorder().totalsByName(), pagesCompared: 3, pagesSkippedCow: 4, forkingTime: 2 ** 33, restoreTime: 77, pagesRestored: 2 ** 40 };
  const file = writeRestoreStats(tempDir(t), stats);
  assert.deepEqual(amberDecode(file), {
    magic: 'STATS',
    entries: [{ restore: { pages_compared: 3, pages_skipped_cow: 4, forking_time: 2 ** 32 - 1, restore_time: 77, pages_restored: 2 ** 40 } }],
  });
});

test("CRIU's crit reads both files as amber crit does", { skip: debianCrit === undefined && 'crit is not installed' }, async (t) => {
  const dir = tempDir(t);
  const dump = writeDumpStats(dir, numbered(Object.keys(dumpStatsRecorder().totalsByName()) as (keyof DumpStats)[]));
  const restore = writeRestoreStats(dir, numbered(Object.keys(restoreStatsRecorder().totalsByName()) as (keyof RestoreStats)[]));
  for (const file of [dump, restore]) assert.deepEqual(debianDecode(file), amberDecode(file), path.basename(file));
});

test("--display-stats prints criu's lines", () => {
  const dump = displayDumpStats({ ...dumpStatsRecorder().totalsByName(), frozenTime: 1500, pagesWritten: 255 });
  assert.match(dump, /^Displaying dump stats:\n/);
  assert.match(dump, /^Frozen time: 1500 us$/m);
  assert.match(dump, /^Memory pages written: 255 \(0xff\)$/m);
  assert.equal(dump.split('\n').filter((line) => / us$| \(0x[0-9a-f]+\)$/.test(line)).length, 9);
  const restore = displayRestoreStats({ ...restoreStatsRecorder().totalsByName(), pagesRestored: 16, forkingTime: 7 });
  assert.match(restore, /^Displaying restore stats:\n/);
  assert.match(restore, /^Pages restored: 16 \(0x10\)$/m);
  assert.match(restore, /^Forking time: 7 us$/m);
});
