import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { dump } from '../../src/dump';
import { findTask, readCheckpoint, type Checkpoint } from '../../src/model';
import { restore, restoreCheckpoint } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import type { TestProgram } from '../harness/program';
import { usePrograms } from '../harness/programs';
import { killIfAlive, untilGone } from '../harness/processes';
import { fdsOf, mapsOf } from './live';

/** The program's children by what each shares with it (see test/programs/restore-shared-tables.c). */
const CHILDREN = ['files', 'fs', 'memory', 'handlers'] as const;

interface Family {
  program: TestProgram;
  parent: number;
  children: Record<(typeof CHILDREN)[number], number>;
  images: string;
}

/** Starts the program with its sharing children, dumps them all (which ends them) and waits until their pids are free. */
async function dumpedFamily(t: TestContext): Promise<Family> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-restore-shared-tables-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const work = path.join(dir, 'work');
  fs.mkdirSync(work);
  const program = await usePrograms(t)('restore-shared-tables', [work]);
  const childPids = CHILDREN.map((name) => Number(program.infoValue(`${name}_child`)));
  t.after(async () => {
    childPids.forEach(killIfAlive);
    for (const pid of childPids) await untilGone(pid);
  });
  await dump({ pid: asPid(program.pid), imagesDir: path.join(dir, 'images'), leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });
  for (const pid of childPids) await untilGone(pid);
  const children = Object.fromEntries(CHILDREN.map((name, i) => [name, childPids[i]])) as Family['children'];
  return { program, parent: program.pid, children, images: path.join(dir, 'images') };
}

function cwdOf(pid: number): string {
  return fs.readlinkSync(`/proc/${pid}/cwd`);
}

test('children sharing the fd table, cwd and umask, the address space or that and the signal handlers with their parent share them again after restore', { timeout: 20_000 }, async (t) => {
  const family = await dumpedFamily(t);
  const checkpoint = await readCheckpoint(family.images);
  const idsOf = (pid: number) => findTask(checkpoint, asPid(pid)).ids;
  assert.equal(idsOf(family.children.files)?.files, idsOf(family.parent)?.files, 'the dump gives parent and files child one fd table');
  assert.notEqual(idsOf(family.children.fs)?.files, idsOf(family.parent)?.files);
  assert.equal(idsOf(family.children.fs)?.fs, idsOf(family.parent)?.fs, 'the dump gives parent and fs child one fs id');
  assert.notEqual(idsOf(family.children.files)?.fs, idsOf(family.parent)?.fs);
  assert.equal(idsOf(family.children.memory)?.memory, idsOf(family.parent)?.memory, 'the dump gives parent and memory child one vm id');
  assert.notEqual(idsOf(family.children.files)?.memory, idsOf(family.parent)?.memory);
  assert.equal(idsOf(family.children.handlers)?.signalHandlers, idsOf(family.parent)?.signalHandlers, 'the dump gives parent and handlers child one sighand id');
  assert.notEqual(idsOf(family.children.memory)?.signalHandlers, idsOf(family.parent)?.signalHandlers);
  assert.equal(checkpoint.fdTables.size, 4, 'the shared fd table is dumped once');

  const result = await restore({ imagesDir: family.images, detached: true, shellJob: false });
  assert.equal(result.tasks, 5);
  assert.deepEqual(fdsOf(family.children.files), fdsOf(family.parent));
  assert.equal(cwdOf(family.children.fs), cwdOf(family.parent));
  assert.notEqual(cwdOf(family.children.files), cwdOf(family.parent));
  assert.deepEqual(mapsOf(family.children.memory), mapsOf(family.parent));
  family.program.requestCheck();
  assert.equal(await family.program.verdict(), 'PASS');
});

/** Restores an edited copy of the checkpoint, which must fail with `message` before it creates any task. */
async function assertRefused(family: Family, edit: (checkpoint: Checkpoint) => void, message: string): Promise<void> {
  const checkpoint = await readCheckpoint(family.images);
  edit(checkpoint);
  assert.throws(() => restoreCheckpoint(checkpoint, { detached: true, shellJob: false }), { message });
  for (const pid of [family.parent, ...Object.values(family.children)]) assert.equal(fs.existsSync(`/proc/${pid}`), false, `pid ${pid} is free`);
}

test('sharing that a clone from the parent cannot make again is refused in one line', { timeout: 20_000 }, async (t) => {
  const family = await dumpedFamily(t);
  const ids = (checkpoint: Checkpoint, pid: number) => {
    const found = findTask(checkpoint, asPid(pid)).ids;
    assert.ok(found !== undefined);
    return found;
  };
  await assertRefused(
    family,
    (checkpoint) => {
      const parent = ids(checkpoint, family.parent);
      ids(checkpoint, family.children.fs).files = parent.files;
      parent.files = Math.max(...checkpoint.fdTables.keys()) + 1;
    },
    `task ${family.children.fs}: shares its fd table with task ${family.children.files} but not with its parent, which amber cannot restore`,
  );
});
