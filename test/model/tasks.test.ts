import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asPid, asTid, blockedSignals, findTask, readTaskMemory } from '../../src/model';
import { checkpointOf } from './load';

describe('the loop fixture', () => {
  it('is one single-threaded process leading its own session', async () => {
    const checkpoint = await checkpointOf('loop');
    assert.deepEqual(
      checkpoint.tasks.map((task) => ({ pid: task.pid, parent: task.parent, pgid: task.pgid, sid: task.sid, tids: task.threads.map((t) => t.tid) })),
      [{ pid: 24631, parent: undefined, pgid: 24631, sid: 24631, tids: [24631] }],
    );
    assert.equal(checkpoint.tasks[0].process.name, 'loop');
  });

  it('reads the marker page at 0x200000000000 through the page images', async () => {
    const checkpoint = await checkpointOf('loop');
    const page = await readTaskMemory(checkpoint, asPid(24631), 0x200000000000n, 40);
    assert.equal(page.subarray(0, 16).toString('latin1'), 'CRIU-WL-LOOP\0\0\0\0');
    assert.equal(page.readBigUInt64LE(16), 7n);
    assert.equal(page.readBigUInt64LE(24), 0x7f38d4a65010n);
    assert.equal(page.readBigUInt64LE(32), 4194304n);
  });

  it('reads the 4 MiB buffer across page and range boundaries', async () => {
    const checkpoint = await checkpointOf('loop');
    const buffer = 0x7f38d4a65010n;
    const length = 300_000;
    const bytes = await readTaskMemory(checkpoint, asPid(24631), buffer + 1_000_000n, length);
    const expected = Buffer.from(Array.from({ length }, (_, i) => (1_000_000 + i) % 251));
    assert.ok(bytes.equals(expected));
  });

  it('refuses memory the checkpoint does not hold', async () => {
    const checkpoint = await checkpointOf('loop');
    await assert.rejects(readTaskMemory(checkpoint, asPid(24631), 0x1000n, 8), /task 24631: 0x1000\.\.0x1008 is not all in the checkpoint's pages/);
  });

  it('describes the buffer mapping as private anonymous read-write', async () => {
    const { memory } = findTask(await checkpointOf('loop'), asPid(24631));
    const vma = memory?.vmas.find((candidate) => candidate.start === 0x7f38d4a65000n);
    assert.ok(vma);
    assert.equal(vma.end, 0x7f38d4e69000n);
    assert.deepEqual([vma.protection.read, vma.protection.write, vma.protection.exec], [true, true, false]);
    assert.deepEqual([vma.mapping.private, vma.mapping.anonymous, vma.kind.anonPrivate], [true, true, true]);
  });
});

describe('the tree fixture', () => {
  it('has the sessions, groups and parents of the workload', async () => {
    const checkpoint = await checkpointOf('tree');
    const shape = Object.fromEntries(checkpoint.tasks.map((task) => [task.process.name, [task.pid, task.parent ?? 0, task.pgid, task.sid]]));
    assert.deepEqual(shape, {
      'tree-root': [24825, 0, 24825, 24825],
      'tree-c1': [24828, 24825, 24825, 24825],
      'tree-gc': [24831, 24828, 24831, 24831],
      'tree-c2': [24829, 24825, 24829, 24825],
      'tree-zombie': [24830, 24825, 24825, 24825],
    });
  });

  it('keeps the zombie with its exit code 42 and nothing else', async () => {
    const zombie = findTask(await checkpointOf('tree'), asPid(24830));
    assert.equal(zombie.process.state, 'dead');
    assert.equal(zombie.process.exitStatus >> 8, 42);
    assert.deepEqual([zombie.ids, zombie.fs, zombie.memory, zombie.pageMap], [undefined, undefined, undefined, undefined]);
    assert.equal(zombie.threads[0].cpu, undefined);
  });

  it('gives each live task its own pages file', async () => {
    const checkpoint = await checkpointOf('tree');
    const pagesIds = Object.fromEntries(checkpoint.tasks.filter((task) => task.pageMap).map((task) => [task.pid, task.pageMap?.pagesId]));
    assert.deepEqual(pagesIds, { 24825: 1, 24828: 2, 24831: 3, 24829: 4 });
  });
});

describe('the threads fixture', () => {
  it('has five threads, each with its own registers', async () => {
    const task = findTask(await checkpointOf('threads'), asPid(25244));
    assert.deepEqual(task.threads.map((thread) => [thread.tid, thread.core?.name]), [
      [25244, 'wl-thr-main'],
      [25246, 'wl-thr-0'],
      [25247, 'wl-thr-1'],
      [25248, 'wl-thr-2'],
      [25249, 'wl-thr-3'],
    ]);
    const stackPointers = new Set(task.threads.map((thread) => thread.cpu?.registers.rsp));
    assert.equal(stackPointers.size, 5);
  });

  it("has worker 25247's sigaltstack and nobody else's", async () => {
    const task = findTask(await checkpointOf('threads'), asPid(25244));
    const stacks = Object.fromEntries(task.threads.map((thread) => [thread.tid, thread.core?.signalStack]));
    assert.deepEqual(stacks[25247], { address: 0x5639c8760000n, size: 65536n, flags: 0 });
    for (const tid of [25244, 25246, 25248, 25249]) assert.equal(stacks[tid]?.flags, 2, `thread ${tid} has SS_DISABLE`);
  });

  it("has worker 25248's blocked mask: SIGUSR1, SIGUSR2, SIGRTMIN+3", async () => {
    const task = findTask(await checkpointOf('threads'), asPid(25244));
    assert.equal(blockedSignals(task, asTid(25248)), 0x1000000a00n);
    assert.equal(blockedSignals(task, asTid(25244)), 0n);
    assert.equal(blockedSignals(task, asTid(25247)), 0n);
  });
});

describe('the fdtypes fixture', () => {
  it("keeps the main thread's mask with the process", async () => {
    const task = findTask(await checkpointOf('fdtypes'), asPid(26353));
    assert.equal(blockedSignals(task, asTid(26353)), 0xa00n);
  });
});
