import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PTRACE_EVENT_CLONE,
  PTRACE_EVENT_STOP,
  SIGKILL,
  SIGSEGV,
  SIGSTOP,
  SIGTRAP,
  SIGTTIN,
} from '../../src/sys/constants';
import { decodeWaitStatus } from '../../src/sys/wait';

const stopWord = (signal: number, event = 0): number => (event << 16) | (signal << 8) | 0x7f;

test('decodes an exit code', () => {
  assert.deepEqual(decodeWaitStatus(3 << 8), { kind: 'exited', code: 3 });
  assert.deepEqual(decodeWaitStatus(0), { kind: 'exited', code: 0 });
});

test('decodes death by signal, with and without core dump', () => {
  assert.deepEqual(decodeWaitStatus(SIGKILL), { kind: 'signaled', signal: SIGKILL, coreDumped: false });
  assert.deepEqual(decodeWaitStatus(SIGSEGV | 0x80), { kind: 'signaled', signal: SIGSEGV, coreDumped: true });
});

test('decodes a plain signal-delivery stop', () => {
  assert.deepEqual(decodeWaitStatus(stopWord(SIGSTOP)), {
    kind: 'stopped',
    signal: SIGSTOP,
    ptraceEvent: 0,
    groupStop: false,
  });
});

test('tells a group-stop from a PTRACE_INTERRUPT stop under PTRACE_SEIZE', () => {
  const group = decodeWaitStatus(stopWord(SIGTTIN, PTRACE_EVENT_STOP));
  const interrupt = decodeWaitStatus(stopWord(SIGTRAP, PTRACE_EVENT_STOP));
  assert.equal(group.kind === 'stopped' && group.groupStop, true);
  assert.equal(interrupt.kind === 'stopped' && interrupt.groupStop, false);
  assert.equal(interrupt.kind === 'stopped' && interrupt.ptraceEvent, PTRACE_EVENT_STOP);
});

test('decodes ptrace event stops and TRACESYSGOOD syscall stops', () => {
  assert.deepEqual(decodeWaitStatus(stopWord(SIGTRAP, PTRACE_EVENT_CLONE)), {
    kind: 'stopped',
    signal: SIGTRAP,
    ptraceEvent: PTRACE_EVENT_CLONE,
    groupStop: false,
  });
  const syscallStop = decodeWaitStatus(stopWord(SIGTRAP | 0x80));
  assert.equal(syscallStop.kind === 'stopped' && syscallStop.signal, SIGTRAP | 0x80);
});

test('decodes continued', () => {
  assert.deepEqual(decodeWaitStatus(0xffff), { kind: 'continued' });
});
