import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { dump } from '../../src/dump';
import { readCheckpoint, readTaskMemory as readCheckpointMemory } from '../../src/model';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { readTaskMemory } from '../../src/sys/vm';
import { usePrograms } from '../harness/programs';
import { fdsOf, mapsOf } from './live';

test('a restored counter has its pid, maps, fds and memory, and counts on from where it was dumped', { timeout: 15_000 }, async (t) => {
  const start = usePrograms(t);
  const program = await start('restore-counter');
  const pid = asPid(program.pid);
  const counter = BigInt(program.infoValue('counter'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-counter-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const maps = mapsOf(pid);
  const fds = fdsOf(pid);
  await dump({ pid, imagesDir: dir, leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });
  const dumped = (await readCheckpointMemory(await readCheckpoint(dir), pid, counter, 8)).readBigUInt64LE();

  const result = await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.equal(result.rootPid, pid);
  assert.deepEqual(mapsOf(pid), maps);
  assert.deepEqual(fdsOf(pid), fds);
  const counterNow = (): bigint => readTaskMemory(pid, [{ addr: counter, len: 8 }]).readBigUInt64LE();
  assert.ok(counterNow() >= dumped, 'the counter starts from its dumped value');
  await sleep(100);
  assert.ok(counterNow() > dumped, 'the counter keeps going');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
