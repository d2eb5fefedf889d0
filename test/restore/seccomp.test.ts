import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { dump } from '../../src/dump';
import { decodeImage, toCritJson } from '../../src/images';
import { readCheckpoint, type Checkpoint } from '../../src/model';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { identityOf } from './identity';

interface CritSeccomp {
  magic: string;
  entries: { seccomp_filters: { filter: string; prev?: number }[] }[];
}

/** Each thread's chain of BPF programs, oldest first. */
function chains(checkpoint: Checkpoint): Map<number, string[]> {
  const filters = checkpoint.seccomp?.filters ?? [];
  return new Map(
    checkpoint.tasks[0].threads.map((thread) => {
      const chain: string[] = [];
      for (let index = thread.core?.seccompFilter; index !== undefined; index = filters[index].previous) chain.unshift(filters[index].program.toString('hex'));
      return [thread.tid, chain];
    }),
  );
}

test('seccomp filters come back per thread, in order, still filter, and identical chains are stored once', { timeout: 20_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-seccomp-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const program = await start('restore-seccomp');
  const before = identityOf(program.pid);
  const images = path.join(dir, 'dumped');
  await dump({ pid: asPid(program.pid), imagesDir: images, leaveRunning: true, shellJob: false });
  await program.kill({ freePid: true });

  // As crit decodes it: getppid (shared by all), then swapoff after it (main and twin), then swapon and getpgrp ("other").
  const crit = JSON.parse(toCritJson(decodeImage(fs.readFileSync(path.join(images, 'seccomp.img')), 'seccomp.img'), { pretty: false })) as CritSeccomp;
  assert.equal(crit.magic, 'SECCOMP');
  assert.deepEqual(
    crit.entries[0].seccomp_filters.map((filter) => filter.prev),
    [undefined, 0, 0, 2],
  );
  const dumped = chains(await readCheckpoint(images));
  assert.deepEqual(dumped.get(Number(program.infoValue('tid.twin'))), dumped.get(program.pid));

  await restore({ imagesDir: images, detached: true, shellJob: false });
  assert.deepEqual(identityOf(program.pid), before);
  const again = path.join(dir, 'restored');
  await dump({ pid: asPid(program.pid), imagesDir: again, leaveRunning: true, shellJob: false });
  assert.deepEqual(chains(await readCheckpoint(again)), dumped);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('a task in seccomp strict mode is restored in strict mode and can still do what strict mode allows', { timeout: 20_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-seccomp-strict-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const start = usePrograms(t);
  const program = await start('restore-seccomp-strict');
  const before = identityOf(program.pid);
  assert.ok(before.some((line) => line.endsWith('Seccomp: 1')), 'the program is in strict mode');
  await dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });

  await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.deepEqual(identityOf(program.pid), before);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
