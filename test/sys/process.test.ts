import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PTRACE_EVENT_STOP, RLIM_INFINITY, Resource, SIGSTOP, WUNTRACED, __WALL } from '../../src/sys/constants';
import { isSyscallError } from '../../src/sys/native';
import * as ptrace from '../../src/sys/ptrace';
import { clone3Stopped, getRlimit, gettid, schedGetattr, schedSetattr, setRlimit } from '../../src/sys/process';
import { asPid, type Pid } from '../../src/sys/types';
import { waitpid } from '../../src/sys/wait';
import { killAndReap, procStatusField, readProcNumber, withChild } from './children';

/** Creates a stopped child with clone3, runs `body`, then kills and reaps it. */
function withStoppedClone(setTid: number[], body: (pid: Pid) => void): void {
  const pid = clone3Stopped({ setTid });
  try {
    body(pid);
  } finally {
    killAndReap(pid);
  }
}

test('clone3Stopped creates a child that stops itself and can be seized', () => {
  withStoppedClone([], (pid) => {
    assert.deepEqual(waitpid(pid, WUNTRACED)?.status, { kind: 'stopped', signal: SIGSTOP, ptraceEvent: 0, groupStop: false });
    ptrace.seize(pid, 0);
    const groupStop = { kind: 'stopped', signal: SIGSTOP, ptraceEvent: PTRACE_EVENT_STOP, groupStop: true };
    assert.deepEqual(waitpid(pid, __WALL)?.status, groupStop);
    ptrace.listen(pid);
    ptrace.interrupt(pid);
    assert.deepEqual(waitpid(pid, __WALL)?.status, groupStop);
    assert.equal(procStatusField(pid, 'State'), 't (tracing stop)');
    assert.equal(procStatusField(pid, 'PPid'), String(process.pid));
  });
});

test('clone3Stopped takes the pid asked for with set_tid', () => {
  const lastPid = readProcNumber('/proc/sys/kernel/ns_last_pid');
  const pidMax = readProcNumber('/proc/sys/kernel/pid_max');
  let wanted = lastPid + 1000 < pidMax ? lastPid + 1000 : 1000;
  for (;;) {
    try {
      withStoppedClone([wanted], (pid) => assert.equal(pid, wanted));
      return;
    } catch (e) {
      if (!isSyscallError(e, 'EEXIST')) throw e;
      wanted += 1;
    }
  }
});

test('prlimit reads and sets limits of another process', async () => {
  await withChild('sleep', ['1000'], (pid) => {
    const before = getRlimit(pid, Resource.Nofile);
    assert.ok(before.soft <= before.hard);
    const lower = { soft: 64n, hard: before.hard };
    assert.deepEqual(setRlimit(pid, Resource.Nofile, lower), before);
    assert.deepEqual(getRlimit(pid, Resource.Nofile), lower);
    assert.equal(getRlimit(pid, Resource.Cpu).hard, RLIM_INFINITY);
  });
});

test('sched_getattr and sched_setattr round-trip a nice value', async () => {
  await withChild('sleep', ['1000'], (pid) => {
    const attr = schedGetattr(pid);
    schedSetattr(pid, { ...attr, nice: 7 });
    assert.equal(schedGetattr(pid).nice, 7);
  });
});

test('gettid of the JavaScript thread is amber\'s pid', () => {
  assert.equal(gettid(), asPid(process.pid));
});
