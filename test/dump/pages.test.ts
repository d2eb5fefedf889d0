import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import { pageCount, type PageRange } from '../../src/model';
import { PAGE_SIZE, pageRuns, readPagemap } from '../../src/proc/pagemap';
import { FrozenTree } from '../../src/dump/freeze';
import { pagesImageName, PagesFiles, planMemory, type MemoryPlan } from '../../src/dump/pages';
import { copyThreadReady, startCopyThreads } from '../../src/dump/pages/page-copy';
import { pageWriterReady, startPageWriter } from '../../src/dump/pages/pipelined-copy';
import { InjectionSession } from '../../src/sys/inject';
import { asPid, type Pid } from '../../src/sys/types';
import { readTaskMemory } from '../../src/sys/vm';
import { usePrograms } from '../harness/programs';
import { imagesDir } from './images';

/** Bytes the task passed to write calls (proc(5), /proc/PID/io). */
function bytesWritten(pid: Pid): number {
  return Number(/^wchar: (\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1]);
}

/** The task address of the first byte where the image differs from the memory, or null. */
function firstDifference(dumped: PagesDump): string | null {
  let offset = 0;
  for (const range of dumped.ranges) {
    const length = range.pageCount * Number(PAGE_SIZE);
    const differs = dumped.image.subarray(offset, offset + length).findIndex((byte, i) => byte !== dumped.memory[offset + i]);
    if (differs >= 0) return `0x${(range.address + BigInt(differs)).toString(16)}`;
    offset += length;
  }
  return dumped.image.length === dumped.memory.length ? null : `length ${dumped.image.length}, not ${dumped.memory.length}`;
}

interface PagesDump {
  ranges: PageRange[];
  image: Buffer;
  /** The same ranges read from outside with process_vm_readv. */
  memory: Buffer;
  writtenByTask: number;
  fds: string[];
  /** Saved pages that pagemap says are neither present nor swapped. */
  absentPages: number;
}

function absentPages(pid: Pid, ranges: readonly PageRange[]): number {
  return ranges.reduce((sum, range) => {
    const end = range.address + BigInt(range.pageCount) * PAGE_SIZE;
    const runs = pageRuns(readPagemap(pid, range.address, end), range.address);
    return sum + range.pageCount - runs.reduce((pages, run) => pages + run.pageCount, 0);
  }, 0);
}

/** Writes the pages of `plan` into pages-1.img in `dir`, running `meanwhile` after the copy began; returns the pages reported. */
async function writePages(plan: MemoryPlan, dir: string, meanwhile: () => Promise<void>): Promise<number> {
  let reported = 0;
  const files = new PagesFiles(dir, [plan], [], (pages) => (reported += pages));
  try {
    await meanwhile();
    files.finish();
  } catch (e) {
    files.abandon();
    throw e;
  } finally {
    files.close();
  }
  return reported;
}

/**
 * Writes the pages image of a frozen dump-memory program with several
 * mappings into `dir`, with `meanwhile` run while the copy goes on, and
 * reads the same ranges from outside.
 */
async function dumpPages(t: TestContext, dir: string, meanwhile: (pid: Pid, imageBytes: number) => Promise<void> = async () => undefined): Promise<PagesDump> {
  const program = await usePrograms(t)('dump-memory', ['24']);
  const pid = asPid(program.pid);
  const tree = FrozenTree.freeze(pid);
  try {
    const plan = planMemory(pid, tree.tasks[0].threads);
    const ranges = plan.ranges;
    const before = bytesWritten(pid);
    const reported = await writePages(plan, dir, () => meanwhile(pid, pageCount(ranges) * Number(PAGE_SIZE)));
    assert.equal(reported, pageCount(ranges), 'progress counts every page once');
    const memory = readTaskMemory(
      pid,
      ranges.map((range) => ({ addr: range.address, len: range.pageCount * Number(PAGE_SIZE) })),
    );
    return { absentPages: absentPages(pid, ranges), ranges, image: fs.readFileSync(path.join(dir, pagesImageName(1))), memory, writtenByTask: bytesWritten(pid) - before, fds: fs.readdirSync(`/proc/${pid}/fd`) };
  } finally {
    tree.release();
    program.requestCheck();
    assert.equal(await program.verdict(), 'PASS');
  }
}

function assertExactImage(dumped: PagesDump): void {
  assert.ok(dumped.ranges.length > 3, `pages in several places (${dumped.ranges.length} ranges)`);
  assert.equal(dumped.absentPages, 0, 'every saved page is present or swapped');
  assert.equal(firstDifference(dumped), null, 'the image is the memory read from outside');
  assert.equal(dumped.writtenByTask, 0, 'the task itself wrote nothing');
  assert.deepEqual(dumped.fds.sort(), ['0', '1', '2'], 'and has no fd more');
}

/** Starts the writer thread and waits until it runs. */
async function withWriterThread(): Promise<void> {
  startPageWriter();
  for (let waited = 0; !pageWriterReady(); waited += 10) {
    assert.ok(waited < 5000, 'the writer thread starts');
    await sleep(10);
  }
}

/** Starts the copy and writer threads and waits until they run. */
async function withCopyThreads(): Promise<void> {
  startCopyThreads();
  for (let waited = 0; !pageWriterReady() || !copyThreadReady(); waited += 10) {
    assert.ok(waited < 5000, 'the copy and writer threads start');
    await sleep(10);
  }
}

/** A 1 MiB tmpfs, unmounted when test `t` ends. */
function smallTmpfs(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-dump-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'amber-test', dir]);
  t.after(() => {
    execFileSync('umount', [dir]);
    fs.rmdirSync(dir);
  });
  return dir;
}

// In this order: the first copies run before any writer thread is started.
test('copied by the main thread alone, the image holds exactly the memory, range after range', async (t) => {
  assertExactImage(await dumpPages(t, imagesDir(t, 'pages')));
  assert.equal(pageWriterReady(), false, 'no writer thread was started');
  assert.equal(copyThreadReady(), false, 'no copy thread was started');
});

test('a write that fails in the main thread is one error naming the file, and the task runs on', async (t) => {
  await assert.rejects(dumpPages(t, smallTmpfs(t)), { message: 'cannot write pages-1.img: ENOSPC' });
});

test('copied in two steps with the writer thread, the image holds exactly the memory', async (t) => {
  await withWriterThread();
  assertExactImage(await dumpPages(t, imagesDir(t, 'pages')));
});

test('a write that fails in the writer thread is one error naming the file, and the task runs on', async (t) => {
  await withWriterThread();
  await assert.rejects(dumpPages(t, smallTmpfs(t)), { message: 'cannot write pages-1.img: ENOSPC' });
  // A later copy starts afresh.
  assertExactImage(await dumpPages(t, imagesDir(t, 'pages')));
});

test('copied by the copy thread while the main thread injects, the image holds the memory as the task has it, not the lifeline', async (t) => {
  await withCopyThreads();
  const dir = imagesDir(t, 'pages');
  const dumped = await dumpPages(t, dir, async (pid, imageBytes) => {
    // The lifeline's frame lies on the stack while the copy thread reads it; once the session is closed the stack is the task's own again.
    const session = InjectionSession.open(pid, pid);
    try {
      const size = (): number => fs.statSync(path.join(dir, pagesImageName(1))).size;
      for (let waited = 0; size() < imageBytes; waited += 10) {
        assert.ok(waited < 10_000, 'the copy thread copies the pages');
        await sleep(10);
      }
    } finally {
      session.close();
    }
  });
  assertExactImage(dumped);
});

test('a write that fails while the copy thread copies is one error naming the file, and a later copy starts afresh', async (t) => {
  await withCopyThreads();
  await assert.rejects(dumpPages(t, smallTmpfs(t)), { message: 'cannot write pages-1.img: ENOSPC' });
  assert.equal(copyThreadReady(), false, 'the copy thread whose writer failed is gone');
  assert.equal(pageWriterReady(), false, 'and so is the writer');
  await withCopyThreads();
  assertExactImage(await dumpPages(t, imagesDir(t, 'pages')));
});
