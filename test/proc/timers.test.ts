import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTimers, readTimers } from '../../src/proc/timers';
import { assertParseError, madeNumber, ownPid, sampleText } from './sample';

test('timers sample: signal, none and thread-directed timers', () => {
  const timers = parseTimers(sampleText('timers'));
  const byClock = new Map(timers.map((timer) => [timer.clockId, timer]));
  const pid = madeNumber('pid');
  // CLOCK_MONOTONIC, SIGEV_SIGNAL with SIGRTMIN + 1 (glibc's SIGRTMIN is 34) and sival_int 7
  assert.deepEqual(byClock.get(1), { id: 0, signal: 35, value: 7n, notify: 'signal', target: { kind: 'pid', id: pid }, clockId: 1 });
  assert.deepEqual(byClock.get(0)?.notify, 'none');
  // CLOCK_BOOTTIME, SIGEV_THREAD_ID with SIGUSR2 to one thread
  const thread = byClock.get(7);
  assert.deepEqual([thread?.signal, thread?.notify, thread?.target], [12, 'signal', { kind: 'tid', id: madeNumber('thread') }]);
  assert.deepEqual(timers.map((timer) => timer.id).sort(), [0, 1, 2]);
});

test('timers: malformed records fail naming the file and line', () => {
  const text = sampleText('timers');
  assertParseError(() => parseTimers(text.replace('notify: signal/tid', 'notify: signal/xid'), '/proc/2/timers'), '/proc/2/timers: line 3: notify is not');
  assertParseError(() => parseTimers(`signal: 1/0\n${text}`, '/proc/2/timers'), '/proc/2/timers: line 1: expected the start of a record');
  assertParseError(() => parseTimers(text.replace(/ClockID: 7\n/, ''), '/proc/2/timers'), '/proc/2/timers: missing "ClockID"');
});

test('timers live: this process has no POSIX timers it did not make', () => {
  assert.ok(Array.isArray(readTimers(ownPid)));
});
