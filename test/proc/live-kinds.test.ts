/**
 * Runs make-samples (the program the samples were captured from) and reads
 * its /proc files live, so the parsers are checked against this kernel too.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { test } from 'node:test';
import { readFdinfo } from '../../src/proc/fdinfo';
import { readLocks } from '../../src/proc/locks';
import { readMaps } from '../../src/proc/maps';
import { readMountInfo } from '../../src/proc/mountinfo';
import { pageRuns, readPagemap } from '../../src/proc/pagemap';
import { readSmaps } from '../../src/proc/smaps';
import { readStatus } from '../../src/proc/status';
import { readChildren, readTaskIds } from '../../src/proc/task';
import { readTimers } from '../../src/proc/timers';
import { asFd, asPid, type Pid } from '../../src/sys/types';

const SOURCE = path.resolve(__dirname, '../../..', 'test/proc/samples/make-samples.c');

/** Waits until no process has this pid (or it is a zombie nobody has reaped yet). */
async function waitGone(pid: Pid): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    try {
      if (fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')) return;
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`process ${pid} did not go away`);
}

test('live: every parser reads a running make-samples', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-proc-'));
  const scratch = path.join(work, 'scratch');
  fs.mkdirSync(scratch);
  execFileSync('gcc', ['-O1', '-pthread', '-o', path.join(work, 'make-samples'), SOURCE]);
  const child = spawn(path.join(work, 'make-samples'), [scratch], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const madeByName = new Map<string, string>();
  try {
    for await (const line of readline.createInterface({ input: child.stdout })) {
      if (line === 'ready') break;
      const [name, value] = line.split(' ');
      madeByName.set(name, value);
    }
    const pid = asPid(child.pid ?? 0);
    const fdOf = (name: string) => asFd(Number(madeByName.get(name)));
    for (const kind of ['eventfd', 'epoll', 'signalfd', 'timerfd', 'inotify', 'fanotify'] as const) {
      assert.equal(readFdinfo(pid, fdOf(kind)).kind, kind);
    }
    assert.deepEqual(readFdinfo(pid, fdOf('lock-ofd')).locks.map((lock) => lock.type), ['OFDLCK']);
    const waiter = asPid(Number(madeByName.get('lock-waiter')));
    assert.ok(readLocks().some((lock) => lock.blocked && lock.pid === waiter));
    assert.ok(readChildren(pid).includes(waiter));
    assert.equal(readTaskIds(pid).length, 3);
    assert.equal(readTimers(pid).length, 3);
    assert.equal(readStatus(pid).seccomp, 2);
    assert.ok(readMaps(pid).some((vma) => vma.deleted && vma.name.endsWith('/deleted file')));
    assert.ok(readSmaps(pid).some((vma) => vma.name.includes('\n')));
    const propagation = readMountInfo(pid).map((mount) => mount.propagation);
    assert.ok(propagation.some((p) => p.master !== undefined) && propagation.some((p) => p.unbindable));
    const pages = BigInt(madeByName.get('mapped-pages') ?? 0);
    const runs = pageRuns(readPagemap(pid, pages, pages + 16n * 4096n), pages);
    assert.deepEqual(runs.map((run) => run.pageCount), [3, 2, 1]);
  } finally {
    const waiter = Number(madeByName.get('lock-waiter'));
    if (waiter > 0) process.kill(waiter, 'SIGKILL');
    child.kill('SIGKILL');
    await exited;
    if (waiter > 0) await waitGone(asPid(waiter));
    fs.rmSync(work, { recursive: true, force: true });
  }
});
