import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { parseSyscall, readSyscall } from '../../src/proc/syscall';
import { asPid, asTid } from '../../src/sys/types';
import { killAndWaitGone } from '../harness/processes';

test('parses the three forms of /proc/PID/syscall', () => {
  assert.deepEqual(parseSyscall('running\n'), { kind: 'running' });
  assert.deepEqual(parseSyscall('-1 0x7ffd1c5e8a38 0x401126\n'), { kind: 'outside' });
  assert.deepEqual(parseSyscall('58 0x55ac83f58166 0x7fff59ebe2a8 0x7fff59ebe2b8 0x7faed0fe6850 0x0 0x7faed11cc6d0 0x7fff59ebe180 0x7faed10a73b8\n'), {
    kind: 'inside',
    number: 58,
    args: [0x55ac83f58166n, 0x7fff59ebe2a8n, 0x7fff59ebe2b8n, 0x7faed0fe6850n, 0n, 0x7faed11cc6d0n],
  });
  assert.throws(() => parseSyscall('58 12 0x1', '/proc/1/syscall'), { message: '/proc/1/syscall: line 1: argument 1 is not 0x-prefixed hex: "12"' });
});

test('reads the system call a sleeping process is blocked in', async (t) => {
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  const pid = sleeper.pid!;
  t.after(() => killAndWaitGone(pid));
  let call = readSyscall(asPid(pid), asTid(pid));
  for (const deadline = Date.now() + 5000; (call.kind !== 'inside' || call.number !== 230) && Date.now() < deadline; call = readSyscall(asPid(pid), asTid(pid))) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(call.kind === 'inside' ? call.number : call.kind, 230, 'sleep(1) waits in clock_nanosleep');
});
