import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { readMaps } from '../../src/proc/maps';
import { withInjection } from '../../src/sys/inject';
import { Syscall } from '../../src/sys/syscall-numbers';
import { asPid, asTid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';

const ENOENT = -2n;

test('the scratch page is a private page of its own, passes buffers both ways, and is gone after the session', async (t) => {
  const program = await usePrograms(t)('inject-blocked', ['pause', 'restart']);
  const pid = asPid(program.pid);
  const mapsBefore = fs.readFileSync(`/proc/${pid}/maps`, 'utf8');
  const seen = withInjection(pid, asTid(pid), (session) => {
    const scratch = session.scratch();
    const vmas = readMaps(pid);
    const vma = vmas.find((candidate) => candidate.start === scratch.address);
    assert.ok(vma !== undefined, 'scratch page in the maps');
    assert.deepEqual([vma.end - vma.start, vma.kind, vma.read, vma.write, vma.exec, vma.shared], [4096n, 'anonymous', true, true, false, false]);
    const touching = vmas.filter((other) => other !== vma && other.end >= vma.start && other.start <= vma.end);
    assert.deepEqual(touching, [], 'no neighbour it could merge with');

    const cwdLength = session.check(Syscall.Getcwd, scratch.address, BigInt(scratch.size));
    const cwd = scratch.read(0, Number(cwdLength) - 1).toString();
    const missing = session.syscall(Syscall.Access, scratch.write(Buffer.from('/no/such/amber/file\0')), 0n);
    const present = session.syscall(Syscall.Access, scratch.write(Buffer.from('/proc/self/exe\0')), 0n);
    return { cwd, missing, present };
  });
  assert.deepEqual(seen, { cwd: fs.readlinkSync(`/proc/${pid}/cwd`), missing: ENOENT, present: 0n });
  assert.equal(fs.readFileSync(`/proc/${pid}/maps`, 'utf8'), mapsBefore);
});
