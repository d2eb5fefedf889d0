import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { AmberError } from '../../src/errors';
import { restoreCheckpoint } from '../../src/restore';
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
