import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { AmberError } from '../../src/errors';
import { readImageFile } from '../../src/images';
import { restoreCheckpoint, type RestoreResult } from '../../src/restore';
import { freePid } from './pids';
import { exitingCheckpoint, twoThreadCheckpoint } from './synthetic';


test('a restored task has its pid, runs from its registers on its restored memory, and amber reports its exit', () => {
  const pid = freePid();
  const checkpoint = exitingCheckpoint(pid, 42);
  try {
    const result = restoreCheckpoint(checkpoint, { detached: false, shellJob: false });
    assert.equal(result.rootPid, pid);
    assert.deepEqual(result.exit, { code: 42 });
    assert.equal(result.pagesRestored, 2);
  } finally {
    fs.rmSync(checkpoint.rawImages.directory, { recursive: true, force: true });
  }
});

test('restoring into a pid in use fails with one line naming the task, and leaves no task behind', () => {
  const checkpoint = exitingCheckpoint(process.pid, 7);
  const before = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length;
  try {
    assert.throws(
      () => restoreCheckpoint(checkpoint, { detached: false, shellJob: false }),
      (e: unknown) => e instanceof AmberError && e.message === `task ${process.pid}: cannot take pid ${process.pid}: it is in use`,
    );
    const children = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim();
    assert.equal(children, '', 'amber has no children left');
    assert.ok(fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).length <= before + 2);
  } finally {
    fs.rmSync(checkpoint.rawImages.directory, { recursive: true, force: true });
  }
});

test('a second thread is recreated with its tid and runs from its own registers in the shared memory', () => {
  const pid = freePid();
  const checkpoint = twoThreadCheckpoint(pid, pid + 1, 33);
  try {
    const result = restoreCheckpoint(checkpoint, { detached: false, shellJob: false });
    assert.equal(result.rootPid, pid);
    assert.deepEqual(result.exit, { code: 33 });
  } finally {
    fs.rmSync(checkpoint.rawImages.directory, { recursive: true, force: true });
  }
});

test('a restore leaves stats-restore in the images directory, reports pages as they are restored, and calls back once the tree runs', async () => {
  const pid = freePid();
  const checkpoint = exitingCheckpoint(pid, 5);
  const progress: [number, number][] = [];
  let running: RestoreResult | undefined;
  try {
    const result = restoreCheckpoint(checkpoint, {
      detached: false,
      shellJob: false,
      onProgress: (done, total) => progress.push([done, total]),
      onRunning: (whenRunning) => {
        running = structuredClone(whenRunning);
      },
    });
    assert.deepEqual(progress, [[2, 2]]);
    assert.ok(running !== undefined, 'onRunning was called');
    assert.equal(running.exit, undefined, 'onRunning comes before amber waits for the root task');
    assert.equal(running.rootPid, pid);
    assert.deepEqual(result.exit, { code: 5 });
    const { pagesRestored, pagesCompared, pagesSkippedCow, forkingTime, restoreTime } = result.stats;
    assert.deepEqual({ pagesRestored, pagesCompared, pagesSkippedCow }, { pagesRestored: 2, pagesCompared: 0, pagesSkippedCow: 0 });
    assert.ok(forkingTime > 0 && restoreTime > forkingTime, `forking ${forkingTime} us within restore ${restoreTime} us`);
    const image = await readImageFile(path.join(checkpoint.rawImages.directory, 'stats-restore'));
    assert.equal(image.kind.name, 'STATS');
    assert.deepEqual(image.entries, [{ restore: { pages_compared: 0, pages_skipped_cow: 0, forking_time: forkingTime, restore_time: restoreTime, pages_restored: 2 } }]);
  } finally {
    fs.rmSync(checkpoint.rawImages.directory, { recursive: true, force: true });
  }
});

test('a restore from a directory amber may not write to still runs the tree, without stats-restore', () => {
  const pid = freePid();
  const checkpoint = exitingCheckpoint(pid, 6);
  const directory = checkpoint.rawImages.directory;
  // Root ignores permission bits: a read-only bind mount is what stops it.
  const mounted = spawnSync('mount', ['--bind', '-o', 'ro', directory, directory]).status === 0 && spawnSync('mount', ['-o', 'remount,bind,ro', directory]).status === 0;
  try {
    assert.ok(mounted, 'mounted the images directory read-only');
    const result = restoreCheckpoint(checkpoint, { detached: false, shellJob: false });
    assert.deepEqual(result.exit, { code: 6 });
    assert.equal(fs.existsSync(path.join(directory, 'stats-restore')), false);
  } finally {
    spawnSync('umount', [directory]);
    fs.rmSync(directory, { recursive: true, force: true });
  }
});
