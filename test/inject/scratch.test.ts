import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { readMaps } from '../../src/proc/maps';
import { InjectionSession } from '../../src/sys/inject';
import * as ptrace from '../../src/sys/ptrace';
import { parseGpRegs } from '../../src/sys/regs';
import { Syscall } from '../../src/sys/syscall-numbers';
import { release, seizeAndStop } from '../../src/sys/thread-stop';
import { asPid, asTid } from '../../src/sys/types';
import { readTaskMemory } from '../../src/sys/vm';
import { usePrograms } from '../harness/programs';

const ENOENT = -2n;
/** The x86-64 psABI red zone below rsp. */
const RED_ZONE = 128n;
/** More than amber's frame, XSAVE image and buffers take. */
const WATCHED = 16384;

test('the scratch area lies in the thread stack below its red zone, passes buffers both ways, and everything is put back', async (t) => {
  const program = await usePrograms(t)('inject-blocked', ['pause', 'restart']);
  const pid = asPid(program.pid);
  const tid = asTid(pid);
  const mapsBefore = fs.readFileSync(`/proc/${pid}/maps`, 'utf8');
  seizeAndStop(pid, tid);
  try {
    const redZone = parseGpRegs(ptrace.getRegs(tid)).rsp - RED_ZONE;
    const below = { addr: redZone - BigInt(WATCHED), len: WATCHED + Number(RED_ZONE) };
    const stackBefore = readTaskMemory(pid, [below]);
    const session = InjectionSession.open(pid, tid);
    let seen;
    try {
      const scratch = session.scratch();
      const vma = readMaps(pid).find((candidate) => candidate.start <= scratch.address && scratch.address < candidate.end);
      assert.equal(vma?.kind, 'stack', 'scratch area in the stack');
      assert.ok(scratch.address + BigInt(scratch.size) <= redZone, 'below the red zone');
      const cwdLength = session.check(Syscall.Getcwd, scratch.address, BigInt(scratch.size));
      const cwd = scratch.read(0, Number(cwdLength) - 1).toString();
      const missing = session.syscall(Syscall.Access, scratch.write(Buffer.from('/no/such/amber/file\0')), 0n);
      const present = session.syscall(Syscall.Access, scratch.write(Buffer.from('/proc/self/exe\0')), 0n);
      seen = { cwd, missing, present };
    } finally {
      session.close();
    }
    assert.deepEqual(seen, { cwd: fs.readlinkSync(`/proc/${pid}/cwd`), missing: ENOENT, present: 0n });
    assert.ok(readTaskMemory(pid, [below]).equals(stackBefore), 'the stack below rsp holds what it held');
  } finally {
    release(pid, tid);
  }
  assert.equal(fs.readFileSync(`/proc/${pid}/maps`, 'utf8'), mapsBefore);
});
