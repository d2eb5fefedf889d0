import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { O_CLOEXEC } from '../../src/sys/constants';
import { InjectionSession } from '../../src/sys/inject';
import { Lifeline } from '../../src/sys/lifeline';
import * as ptrace from '../../src/sys/ptrace';
import { Syscall } from '../../src/sys/syscall-numbers';
import { seizeAndStop } from '../../src/sys/thread-stop';
import { asPid, asTid, type Pid, type Tid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';

const AT_FDCWD = -100n;
const GONE_TIMEOUT_MS = 2000;

const openFds = (pid: Pid): string[] => fs.readdirSync(`/proc/${pid}/fd`).sort();

/** Opens /dev/null in a stopped thread with its lifeline told to close it, then lets go of the thread as a dying tracer would. */
function openAndLetGo(pid: Pid, tid: Tid): number {
  seizeAndStop(pid, tid);
  const session = InjectionSession.open(pid, tid);
  assert.ok(session.protected, 'the session has a lifeline');
  const used = new Set(openFds(pid).map(Number));
  let fd = 0;
  while (used.has(fd)) fd++;
  assert.ok(Lifeline.closeOnLoss(tid, fd));
  try {
    const path = session.scratch().write(Buffer.from('/dev/null\0'));
    assert.equal(session.syscall(Syscall.Openat, AT_FDCWD, path, BigInt(O_CLOEXEC), 0n), BigInt(fd), 'the fd foreseen');
    assert.ok(openFds(pid).includes(String(fd)), 'open in the task');
    ptrace.detach(tid, 0);
  } finally {
    Lifeline.closeOnLoss(tid, null);
  }
  return fd;
}

test('a thread whose tracer lets go while it holds an fd amber opened closes it and keeps its registers and AVX state', async (t) => {
  const program = await usePrograms(t)('dump-invariant');
  const pid = asPid(program.pid);
  const fds = openFds(pid);
  // The main thread waits in sigsuspend; the spinner keeps an invariant in its general and AVX registers.
  for (const tid of [asTid(pid), asTid(Number(program.infoValue('spinner')))]) {
    for (let round = 0; round < 5; round++) {
      const fd = openAndLetGo(pid, tid);
      const deadline = Date.now() + GONE_TIMEOUT_MS;
      while (openFds(pid).includes(String(fd)) && Date.now() < deadline) await sleep(5);
      assert.deepEqual(openFds(pid), fds, `thread ${tid}, round ${round}: the fd is closed again`);
    }
  }
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
