import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { InjectionSession } from '../../src/sys/inject';
import { Syscall } from '../../src/sys/syscall-numbers';
import { release, seizeAndStop } from '../../src/sys/thread-stop';
import { asPid, asTid } from '../../src/sys/types';
import { readTaskMemory } from '../../src/sys/vm';
import { usePrograms } from '../harness/programs';

test('a thread stopped inside an rseq critical section is still aborted out of it after injection', async (t) => {
  const program = await usePrograms(t)('inject-rseq');
  const pid = asPid(program.pid);
  const rseqCs = { addr: BigInt(program.infoValue('rseq_cs')), len: 8 };
  let injected = 0;
  for (let attempt = 0; attempt < 300 && injected < 3; attempt++) {
    seizeAndStop(pid, asTid(pid));
    try {
      const before = readTaskMemory(pid, [rseqCs]);
      // Most stops find it inside the critical section; the others, between an abort and the next entry.
      if (before.readBigUInt64LE(0) === 0n) continue;
      const session = InjectionSession.open(pid, asTid(pid));
      assert.equal(session.check(Syscall.Getpid), BigInt(pid));
      session.close();
      assert.deepEqual(readTaskMemory(pid, [rseqCs]), before, 'rseq_cs as before');
      injected++;
    } finally {
      release(pid, asTid(pid));
    }
  }
  assert.equal(injected, 3, 'stopped inside the critical section');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
