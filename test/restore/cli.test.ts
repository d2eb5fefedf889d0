import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { writeCheckpoint, type Checkpoint } from '../../src/model';
import { exitingCheckpoint, signallingCheckpoint } from './synthetic';
import { freePid } from './pids';

const AMBER = path.resolve(__dirname, '../../src/cli/main.js');

async function withCheckpointOnDisk(checkpoint: Checkpoint, body: (dir: string) => void): Promise<void> {
  const dir = checkpoint.rawImages.directory;
  try {
    await writeCheckpoint(checkpoint, dir);
    body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('amber restore DIR waits for the root task and exits with its exit code', async () => {
  await withCheckpointOnDisk(exitingCheckpoint(freePid(), 42), (dir) => {
    const run = spawnSync(process.execPath, [AMBER, 'restore', dir], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run.status, 42, run.stderr);
  });
});

test('amber restore DIR dies of the signal that killed the root task', async () => {
  await withCheckpointOnDisk(signallingCheckpoint(freePid(), 15), (dir) => {
    const run = spawnSync(process.execPath, [AMBER, 'restore', dir], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run.signal, 'SIGTERM', run.stderr);
  });
});

test('amber restore -D DIR -d --pidfile F returns once the tree runs and names its root in F', async () => {
  const pid = freePid();
  await withCheckpointOnDisk(exitingCheckpoint(pid, 3), (dir) => {
    const run = spawnSync(process.execPath, [AMBER, 'restore', '-D', dir, '-d', '--pidfile', 'restored.pid'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'restored.pid'), 'utf8'), String(pid));
  });
});

test('amber restore into a pid in use fails with one line on stderr', async () => {
  await withCheckpointOnDisk(exitingCheckpoint(process.pid, 3), (dir) => {
    const run = spawnSync(process.execPath, [AMBER, 'restore', dir], { encoding: 'utf8', timeout: 10_000 });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr.trim(), new RegExp(`^[^\\n]*task ${process.pid}: cannot take pid ${process.pid}: it is in use$`));
  });
});

test('amber restore of a pid not below pid_max fails with one line naming the limit', async () => {
  const pidMax = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  await withCheckpointOnDisk(exitingCheckpoint(pidMax, 3), (dir) => {
    const run = spawnSync(process.execPath, [AMBER, 'restore', dir], { encoding: 'utf8', timeout: 10_000 });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr.trim(), new RegExp(`^[^\\n]*task ${pidMax}: cannot take pid ${pidMax}: it is not below this host's pid_max \\(${pidMax};[^\\n]*$`));
  });
});

test('amber restore --display-stats prints the restore stats as criu does, once the tree runs', async () => {
  await withCheckpointOnDisk(exitingCheckpoint(freePid(), 4), (dir) => {
    const run = spawnSync(process.execPath, [AMBER, 'restore', '-D', dir, '--display-stats'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run.status, 4, run.stderr);
    assert.match(run.stdout, /^Displaying restore stats:\nPages compared: 0 \(0x0\)\nPages skipped COW: 0 \(0x0\)\nPages restored: 2 \(0x2\)\nRestore time: \d+ us\nForking time: \d+ us\n/);
    assert.ok(fs.existsSync(path.join(dir, 'stats-restore')));
  });
});
