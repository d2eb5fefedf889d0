/** The round trip of a restore test: dump a running test program, kill it, restore it in its place. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { dump } from '../../src/dump';
import { findTask, readCheckpoint, type Task } from '../../src/model';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import type { TestProgram } from '../harness/program';

/**
 * Dumps `program` into a directory removed when `t` ends, kills it, restores
 * it and returns its task as the checkpoint has it. The restored program
 * runs on its own; the test then asks it for its verdict.
 */
export async function dumpKillRestore(t: TestContext, program: TestProgram): Promise<Task> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `amber-restore-${program.name}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pid = asPid(program.pid);
  // Released and then killed by pid: dump's own kill of a multi-threaded task waits for the thread-group
  // leader before its other threads, and the kernel reports the leader only after them.
  await dump({ pid, imagesDir: dir, leaveRunning: true, shellJob: false });
  await program.kill({ freePid: true });
  const task = findTask(await readCheckpoint(dir), pid);
  const result = await restore({ imagesDir: dir, detached: true, shellJob: false });
  assert.equal(result.rootPid, pid);
  return task;
}

/** A thread of the checkpointed task that the program named in an "INFO tid.NAME=TID" line. */
export function namedThread(task: Task, program: TestProgram, name: string): Task['threads'][number] {
  const tid = Number(program.infoValue(`tid.${name}`));
  const thread = task.threads.find((candidate) => candidate.tid === tid);
  assert.ok(thread !== undefined, `thread ${name} (${tid}) is in the checkpoint`);
  return thread;
}
