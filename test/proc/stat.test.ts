import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseStat, readStat } from '../../src/proc/stat';
import { assertParseError, madeNumber, ownPid, sampleText } from './sample';

test('stat sample: comm with spaces and parentheses, ids, threads', () => {
  const stat = parseStat(sampleText('stat'));
  assert.equal(stat.pid, madeNumber('pid'));
  assert.equal(stat.comm, 'x) (y z');
  assert.equal(stat.state, 'S');
  assert.equal(stat.numThreads, 3);
  assert.equal(stat.nice, 0);
  assert.equal(stat.exitSignal, 17); // SIGCHLD
  assert.equal(stat.exitCode, 0);
  assert.equal(stat.rssLimit, 2n ** 64n - 1n); // RLIM_INFINITY
  // blocked: SIGUSR1 (10) and SIGUSR2 (12) for the signalfd
  assert.equal(stat.blocked, (1n << 9n) | (1n << 11n));
});

test('stat sample: memory layout fields are ordered addresses', () => {
  const stat = parseStat(sampleText('stat'));
  assert.ok(stat.startCode < stat.endCode);
  assert.ok(stat.endCode <= stat.startData && stat.startData < stat.endData);
  assert.ok(stat.endData <= stat.startBrk);
  assert.ok(stat.argStart < stat.argEnd && stat.argEnd <= stat.envStart && stat.envStart < stat.envEnd);
  assert.ok(stat.startStack > stat.startBrk);
});

test('stat: a comm holding a newline and ")" ends at the last ")"', () => {
  const text = sampleText('stat').replace('(x) (y z)', '(a)\n) b)');
  assert.equal(parseStat(text).comm, 'a)\n) b');
});

test('stat: malformed text fails with one line naming the file', () => {
  assertParseError(() => parseStat('12 (x) S 1 2', '/proc/12/stat'), '/proc/12/stat: line 1: expected 50 fields');
  assertParseError(() => parseStat('12 x S', '/proc/12/stat'), '/proc/12/stat: line 1: no "(comm)"');
  assertParseError(() => parseStat(sampleText('stat').replace(') S ', ') Q '), '/proc/9/stat'), '/proc/9/stat: line 1: unknown task state "Q"');
  assertParseError(() => parseStat(''), '/proc/PID/stat: line 1');
});

test('stat live: this process', () => {
  const stat = readStat(ownPid);
  assert.equal(stat.pid, process.pid);
  assert.equal(stat.ppid, process.ppid);
  assert.equal(stat.comm, path.basename(process.execPath).slice(0, 15));
  assert.equal(stat.state, 'R');
});
