import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStatus, readStatus } from '../../src/proc/status';
import { assertParseError, madeNumber, ownPid, sampleText } from './sample';

test('status sample: what make-samples set up', () => {
  const status = parseStatus(sampleText('status'));
  assert.equal(status.name, 'x) (y z');
  assert.equal(status.umask, 0o027);
  assert.deepEqual(status.state, { code: 'S', description: 'sleeping' });
  assert.equal(status.pid, madeNumber('pid'));
  assert.equal(status.tgid, madeNumber('pid'));
  assert.deepEqual(status.nsPid, [madeNumber('pid')]);
  assert.deepEqual(status.uid, { real: 0, effective: 0, saved: 0, filesystem: 0 });
  assert.deepEqual(status.groups, [10, 20, 30]);
  assert.equal(status.threads, 3);
  assert.equal(status.sigBlk, (1n << 9n) | (1n << 11n)); // SIGUSR1, SIGUSR2
  assert.equal(status.sigIgn & (1n << 12n), 1n << 12n); // SIGPIPE
  assert.equal(status.sigCgt & 1n, 1n); // SIGHUP handler
  assert.equal(status.noNewPrivs, true);
  assert.equal(status.seccomp, 2);
  assert.equal(status.seccompFilters, 1);
  assert.equal(status.capAmb, 0n);
  assert.equal(status.speculationStoreBypass, 'vulnerable');
  assert.ok(status.cpusAllowedList.length >= 1);
  assert.ok(status.extra.has('VmRSS'), 'undecoded lines are kept');
  assert.ok(!status.extra.has('Pid'), 'decoded lines are not repeated');
});

test('status: escaped names are unescaped', () => {
  const text = sampleText('status').replace('Name:\tx) (y z', 'Name:\ta\\\\b\\nc');
  assert.equal(parseStatus(text).name, 'a\\b\nc');
});

test('status: malformed text fails with one line naming the file and line', () => {
  const status = sampleText('status');
  assertParseError(() => parseStatus(status.replace(/^Pid:.*\n/m, ''), '/proc/5/status'), '/proc/5/status: missing "Pid"');
  assertParseError(() => parseStatus(status.replace(/^Uid:.*$/m, 'Uid:\t0\t0'), '/proc/5/status'), '/proc/5/status: line 9: Uid needs four ids');
  assertParseError(() => parseStatus(status.replace(/^SigBlk:.*$/m, 'SigBlk:\tzz'), '/proc/5/status'), '/proc/5/status: line');
  assertParseError(() => parseStatus('no colon here', '/proc/5/status'), '/proc/5/status: line 1: expected "key: value"');
});

test('status live: this process', () => {
  const status = readStatus(ownPid);
  assert.equal(status.pid, process.pid);
  assert.equal(status.ppid, process.ppid);
  assert.equal(status.uid.effective, process.geteuid?.());
  assert.equal(status.umask, process.umask());
});
