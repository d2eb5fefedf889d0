import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { readCheckpoint } from '../../src/model';
import { cgroupsOf, recordedDirectories } from '../../src/model/cgroups';
import type { Hierarchy } from '../../src/proc/cgroups';
import { restore } from '../../src/restore';
import { dumpInFreshCgroup } from './cgroup-dumps';
import { cgroupFile, type ScratchCgroups } from './scratch-cgroups';

/** A control file per test hierarchy and the value the test gives it (the defaults are "max"). */
const SETTINGS: Record<Hierarchy, { file: string; value: string; later: string }> = {
  pids: { file: 'pids.max', value: '77', later: '99' },
  '': { file: 'cgroup.max.descendants', value: '5', later: '6' },
};

const fileIn = (scratch: ScratchCgroups, hierarchy: Hierarchy, cgroup: string, file: string): string => path.join(scratch.directoryOf(hierarchy, cgroup)!, file);
const read = (file: string): string => fs.readFileSync(file, 'utf8').trim();

function setAll(scratch: ScratchCgroups, cgroup: string, which: 'value' | 'later'): void {
  for (const hierarchy of scratch.hierarchies) fs.writeFileSync(fileIn(scratch, hierarchy, cgroup, SETTINGS[hierarchy].file), SETTINGS[hierarchy][which]);
}

const readAll = (scratch: ScratchCgroups, cgroup: string): string[] => scratch.hierarchies.map((hierarchy) => read(fileIn(scratch, hierarchy, cgroup, SETTINGS[hierarchy].file)));
const expected = (scratch: ScratchCgroups, which: 'value' | 'later'): string[] => scratch.hierarchies.map((hierarchy) => SETTINGS[hierarchy][which]);

test('a cgroup amber makes again gets its recorded control-file values; soft leaves an existing one as it is, full sets it', { timeout: 30_000 }, async (t) => {
  const dumped = await dumpInFreshCgroup(t, 'props', { setUp: (made, at) => setAll(made, at, 'value') });
  if (dumped === undefined) return;
  const { program, scratch, cgroup, before, dir } = dumped;
  const recorded = (cgroupsOf(await readCheckpoint(dir))?.hierarchies ?? []).flatMap(recordedDirectories).flatMap((directory) => directory.properties.map((property) => `${property.name}=${property.value}`));
  for (const hierarchy of scratch.hierarchies) assert.ok(recorded.includes(`${SETTINGS[hierarchy].file}=${SETTINGS[hierarchy].value}`), `cgroup.img records ${SETTINGS[hierarchy].file}`);

  scratch.removeAll();
  await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.equal(cgroupFile(program.pid), before);
  assert.deepEqual(readAll(scratch, cgroup), expected(scratch, 'value'), 'made again with its values');
  await program.kill({ freePid: true });

  setAll(scratch, cgroup, 'later');
  await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.deepEqual(readAll(scratch, cgroup), expected(scratch, 'later'), 'soft: an existing cgroup keeps what it has');
  await program.kill({ freePid: true });

  await restore({ imagesDir: dir, detached: true, shellJob: false, manageCgroups: 'full' });
  assert.deepEqual(readAll(scratch, cgroup), expected(scratch, 'value'), 'full: it gets the recorded values');
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('--manage-cgroups=strict fails before any task exists when a recorded cgroup is there, and makes them all when none is', { timeout: 20_000 }, async (t) => {
  const dumped = await dumpInFreshCgroup(t, 'strict', { setUp: (made, at) => setAll(made, at, 'value') });
  if (dumped === undefined) return;
  const { program, scratch, cgroup, before, dir } = dumped;
  const directories = scratch.hierarchies.map((hierarchy) => scratch.directoryOf(hierarchy, cgroup));
  await assert.rejects(restore({ imagesDir: dir, detached: true, shellJob: false, manageCgroups: 'strict' }), (e: Error) =>
    directories.some((directory) => e.message === `cgroup ${directory} already exists (with --manage-cgroups=strict amber makes every recorded cgroup itself)`),
  );
  assert.ok(!fs.existsSync(`/proc/${program.pid}`), 'nothing was created');
  scratch.removeAll();
  await restore({ imagesDir: dir, detached: true, shellJob: false, manageCgroups: 'strict' });
  assert.equal(cgroupFile(program.pid), before);
  assert.deepEqual(readAll(scratch, cgroup), expected(scratch, 'value'));
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});

test('a v1 cpuset cgroup made again gets its cpus and mems before the task goes in', { timeout: 20_000 }, async (t) => {
  const setUp = (scratch: ScratchCgroups, cgroup: string): void => {
    for (const file of ['cpuset.mems', 'cpuset.cpus']) fs.writeFileSync(fileIn(scratch, 'cpuset', cgroup, file), '0');
  };
  const dumped = await dumpInFreshCgroup(t, 'cpuset', { hierarchies: ['cpuset'], setUp });
  if (dumped === undefined) return;
  const { program, scratch, cgroup, before, dir } = dumped;
  scratch.removeAll();
  await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.equal(cgroupFile(program.pid), before);
  assert.deepEqual(['cpuset.cpus', 'cpuset.mems'].map((file) => read(fileIn(scratch, 'cpuset', cgroup, file))), ['0', '0']);
  assert.match(fs.readFileSync(`/proc/${program.pid}/status`, 'utf8'), /^Cpus_allowed_list:\s+0$/m);
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
