import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { PageRange } from '../../src/model';
import { PAGE_SIZE, pageRuns, readPagemap } from '../../src/proc/pagemap';
import { readSmaps } from '../../src/proc/smaps';
import { FrozenTree } from '../../src/dump/freeze';
import { pageCount, pagesImageName, savedPageRanges, writePages } from '../../src/dump/pages';
import { Resource, RLIM_INFINITY } from '../../src/sys/constants';
import { setRlimit } from '../../src/sys/process';
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

/** Writes the pages image of a frozen dump-memory program with several mappings, and reads the same ranges from outside. */
async function dumpPages(t: TestContext, limitFileSize: boolean): Promise<PagesDump> {
  const program = await usePrograms(t)('dump-memory', ['24']);
  const pid = asPid(program.pid);
  if (limitFileSize) setRlimit(pid, Resource.Fsize, { soft: 1n << 20n, hard: RLIM_INFINITY });
  const dir = imagesDir(t, 'pages');
  const tree = FrozenTree.freeze(pid);
  try {
    const ranges = savedPageRanges(pid, readSmaps(pid));
    const before = bytesWritten(pid);
    let reported = 0;
    writePages(pid, ranges, dir, 1, (pages) => (reported += pages));
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

test('the task writes its own pages: the image holds exactly its memory, range after range', async (t) => {
  const dumped = await dumpPages(t, false);
  assert.ok(dumped.ranges.length > 3, `pages in several places (${dumped.ranges.length} ranges)`);
  assert.equal(dumped.absentPages, 0, 'every saved page is present or swapped');
  assert.equal(firstDifference(dumped), null, 'the image is the memory read from outside');
  assert.equal(dumped.writtenByTask, dumped.image.length, 'the task wrote the image');
  assert.deepEqual(dumped.fds.sort(), ['0', '1', '2'], 'and has no fd more');
});

test('a task with a file size limit does not write; amber copies the same bytes', async (t) => {
  const dumped = await dumpPages(t, true);
  assert.equal(firstDifference(dumped), null, 'the image is the memory read from outside');
  assert.equal(dumped.writtenByTask, 0, 'the task wrote nothing');
});
