import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLockLine, parseLocks, readLocks } from '../../src/proc/locks';
import { assertParseError, madeNumber, sampleText } from './sample';

test('locks sample: held locks and the request blocked behind the POSIX write lock', () => {
  const locks = parseLocks(sampleText('locks'));
  const pid = madeNumber('pid');
  const blocked = locks.filter((lock) => lock.blocked);
  assert.equal(blocked.length, 1);
  const [waiter] = blocked;
  assert.deepEqual([waiter.pid, waiter.type, waiter.access, waiter.start, waiter.end], [madeNumber('lock-waiter'), 'POSIX', 'READ', 0n, 9n]);
  const holder = locks.find((lock) => !lock.blocked && lock.id === waiter.id);
  assert.deepEqual([holder?.pid, holder?.access, holder?.end], [pid, 'WRITE', null]);
  assert.deepEqual(holder?.file, waiter.file);
  assert.deepEqual(
    locks.filter((lock) => !lock.blocked).map((lock) => lock.type).sort(),
    ['FLOCK', 'LEASE', 'OFDLCK', 'POSIX', 'POSIX'],
  );
});

test('locks: files without an inode and old MANDATORY locks', () => {
  const lock = parseLockLine('7: POSIX  MANDATORY WRITE 99 <none>:0 0 EOF');
  assert.deepEqual([lock.id, lock.mode, lock.file, lock.end], [7, 'MANDATORY', undefined, null]);
});

test('locks: malformed lines fail naming the file and line', () => {
  assertParseError(() => parseLocks('1: POSIX ADVISORY WRITE 5 fe:00:12 0 EOF\nPOSIX\n'), '/proc/locks: line 2: lock line does not start');
  assertParseError(() => parseLocks('1: POSIX ADVISORY WRITE 5 fe:00 0 EOF\n'), '/proc/locks: line 1: lock file is not MAJOR:MINOR:INODE');
  assertParseError(() => parseLocks('1: POSIX ADVISORY WRITE 5 fe:00:1 0\n'), '/proc/locks: line 1: missing lock end');
});

test('locks live: /proc/locks parses', () => {
  assert.ok(Array.isArray(readLocks()));
});
