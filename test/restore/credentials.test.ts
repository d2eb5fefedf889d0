import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { killIfAlive, untilGone } from '../harness/processes';
import { identityOf } from './identity';

test('uids, gids, groups, capabilities, securebits, limits, scheduling and prctl flags come back, per thread', { timeout: 20_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-credentials-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const program = await start('restore-credentials');
  const child = Number(program.infoValue('child'));
  t.after(() => killIfAlive(child));
  const before = [program.pid, child].map(identityOf);
  assert.ok(before[1].some((line) => /Uid: 1001 1001 1001 1001$/.test(line)), 'the child has a thread of uid 1001');
  await dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: true, shellJob: false });
  await program.kill({ freePid: true });
  await untilGone(child);

  await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.deepEqual([program.pid, child].map(identityOf), before);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
