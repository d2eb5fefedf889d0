import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { validateCheckpoint } from '../../src/crit/validate';
import { readCheckpoint } from '../../src/model';
import { CGROUP_IMAGE, cgroupImage, cgroupsOf } from '../../src/model/cgroups';
import { restore, restoreCheckpoint } from '../../src/restore';
import type { CgroupRoot } from '../../src/restore/cgroups';
import { dumpInFreshCgroup } from './cgroup-dumps';
import { cgroupFile, type ScratchCgroups } from './scratch-cgroups';

/** A named v1 hierarchy that no host mounts. */
const ABSENT = 'name=amber-absent';

const existing = (scratch: ScratchCgroups, cgroup: string): boolean[] => scratch.hierarchies.map((hierarchy) => fs.existsSync(scratch.directoryOf(hierarchy, cgroup)!));

test('a restored task is back in its cgroups, which amber makes again when they are gone', { timeout: 20_000 }, async (t) => {
  const dumped = await dumpInFreshCgroup(t, 'back');
  if (dumped === undefined) return;
  const { program, scratch, cgroup, before, dir } = dumped;
  assert.ok(before.split('\n').some((line) => line.endsWith(`:${cgroup}`)), 'the program was moved into the test cgroup');
  assert.deepEqual(await validateCheckpoint(dir), []);
  const sets = cgroupsOf(await readCheckpoint(dir))?.sets ?? [];
  assert.equal(sets.length, 1, `${CGROUP_IMAGE} holds the program's set, not amber's`);
  scratch.removeAll();
  assert.deepEqual(existing(scratch, cgroup), scratch.hierarchies.map(() => false));

  const result = await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.equal(result.rootPid, program.pid);
  assert.equal(cgroupFile(program.pid), before);
  assert.deepEqual(existing(scratch, `${cgroup}/idle`), scratch.hierarchies.map(() => true), 'the empty cgroup below is made again too');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('--cgroup-root puts the top cgroup of a controller elsewhere; the other hierarchies keep their paths', { timeout: 20_000 }, async (t) => {
  const dumped = await dumpInFreshCgroup(t, 'moved');
  if (dumped === undefined) return;
  const { program, scratch, cgroup, before, dir } = dumped;
  const moved = `${cgroup}-elsewhere`;
  const [first] = scratch.hierarchies;
  scratch.remember(first, moved);
  scratch.removeAll();
  const root: CgroupRoot = { controller: first === '' ? 'unified' : first, path: moved };

  await restore({ imagesDir: dir, detached: true, shellJob: false, cgroupRoots: [root] });
  const expected = before.replace(new RegExp(`^(\\d+:${first}:)${cgroup}$`, 'm'), `$1${moved}`);
  assert.notEqual(expected, before);
  assert.equal(cgroupFile(program.pid), expected);
  assert.ok(fs.existsSync(scratch.directoryOf(first, `${moved}/idle`)!), 'the recorded cgroups below move along');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('a restore that fails after placing its tasks removes the cgroups it made', { timeout: 20_000 }, async (t) => {
  const dumped = await dumpInFreshCgroup(t, 'failed');
  if (dumped === undefined) return;
  const { program, scratch, cgroup, dir } = dumped;
  scratch.removeAll();
  const checkpoint = await readCheckpoint(dir);
  // Without its page images the memory restore fails, after the tasks are in their cgroups.
  checkpoint.rawImages = { directory: fs.mkdtempSync(path.join(os.tmpdir(), 'amber-cgroups-no-pages-')), names: [] };
  t.after(() => fs.rmSync(checkpoint.rawImages.directory, { recursive: true, force: true }));

  assert.throws(() => restoreCheckpoint(checkpoint, { detached: true, shellJob: false }), /pages/);
  assert.ok(!fs.existsSync(`/proc/${program.pid}`), 'no task of the failed restore is left');
  assert.deepEqual(existing(scratch, cgroup), scratch.hierarchies.map(() => false));
});

test('with --manage-cgroups=none a missing cgroup fails the restore before any task exists; ignore leaves cgroups alone', { timeout: 20_000 }, async (t) => {
  const dumped = await dumpInFreshCgroup(t, 'none');
  if (dumped === undefined) return;
  const { program, scratch, cgroup, dir } = dumped;
  scratch.removeAll();
  await assert.rejects(restore({ imagesDir: dir, detached: true, shellJob: false, manageCgroups: 'none' }), { message: /^cgroup \S+ does not exist/ });
  assert.ok(!fs.existsSync(`/proc/${program.pid}`));

  await restore({ imagesDir: dir, detached: true, shellJob: false, manageCgroups: 'ignore' });
  assert.equal(cgroupFile(program.pid), cgroupFile(process.pid), "ignored: the task stays in amber's cgroups");
  assert.deepEqual(existing(scratch, cgroup), scratch.hierarchies.map(() => false));
});

test('a hierarchy not mounted here fails the restore naming the task and hierarchy, unless the task was at its root', { timeout: 20_000 }, async (t) => {
  const dumped = await dumpInFreshCgroup(t, 'unmounted');
  if (dumped === undefined) return;
  const { program, before, dir } = dumped;
  const checkpoint = await readCheckpoint(dir);
  const withAbsentHierarchy = (cgroup: string): void => {
    const cgroups = cgroupsOf(checkpoint)!;
    cgroups.sets[0].members = [...cgroups.sets[0].members.filter((member) => member.hierarchy !== ABSENT), { hierarchy: ABSENT, path: cgroup, namespacePrefix: undefined }];
    checkpoint.otherImages.set(CGROUP_IMAGE, cgroupImage(cgroups));
  };
  withAbsentHierarchy('/gone');
  assert.throws(() => restoreCheckpoint(checkpoint, { detached: true, shellJob: false }), {
    message: `task ${program.pid}: cgroup hierarchy ${ABSENT} is not mounted here, so it cannot go into cgroup /gone`,
  });
  assert.ok(!fs.existsSync(`/proc/${program.pid}`));

  withAbsentHierarchy('/');
  restoreCheckpoint(checkpoint, { detached: true, shellJob: false });
  assert.equal(cgroupFile(program.pid), before);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
