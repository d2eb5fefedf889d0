import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { readMaps } from '../../src/proc/maps';
import * as ptrace from '../../src/sys/ptrace';
import { parseGpRegs, serializeGpRegs } from '../../src/sys/regs';
import { release, seizeAndStop } from '../../src/sys/thread-stop';
import { asPid, asTid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { untilBlocked } from '../harness/tracee';

test('user_regs_struct of a stopped thread parses to registers that point into its mappings, and back to the same bytes', async (t) => {
  const program = await usePrograms(t)('inject-blocked', ['pause', 'restart']);
  const pid = asPid(program.pid);
  await untilBlocked(pid, pid);
  seizeAndStop(pid, asTid(pid));
  let raw: Buffer;
  try {
    raw = ptrace.getRegs(asTid(pid));
  } finally {
    release(pid, asTid(pid));
  }
  const regs = parseGpRegs(raw);
  assert.ok(serializeGpRegs(regs).equals(raw));
  const vmas = readMaps(pid);
  const holding = (address: bigint) => vmas.find((vma) => vma.start <= address && address < vma.end);
  assert.equal(holding(regs.rip)?.exec, true, 'rip is in executable memory');
  assert.equal(holding(regs.rsp)?.kind, 'stack', 'rsp is on the stack');
  assert.equal(regs.cs, 0x33n, '64-bit user code segment');
  assert.equal(regs.orig_rax, 34n, 'stopped in pause');
});

test('a register buffer of the wrong size is refused', () => {
  assert.throws(() => parseGpRegs(Buffer.alloc(200)), /216 bytes/);
});
