import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { validateCheckpoint, type Finding } from '../../src/crit/validate';
import { validationReport } from '../../src/crit/validate/command';
import { findingLine } from '../../src/crit/validate/render';
import { dump } from '../../src/dump';
import { decodeImage, encodeImage, type Message } from '../../src/images';
import { asFileId, findTask, readCheckpoint, writeCheckpoint, type Checkpoint, type Pid, type PipeId, type Thread } from '../../src/model';
import { asPid } from '../../src/sys/types';
import { usePrograms } from '../harness/programs';
import { fixturesRoot, workloads } from './fixtures';

const AMBER = path.resolve(__dirname, '../../src/cli/main.js');

function scratchDir(t: TestContext, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `amber-validate-${name}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of a fixture written back through the model, after `change` broke something in it. */
async function brokenCopy(t: TestContext, workload: string, change: (checkpoint: Checkpoint) => void): Promise<string> {
  const checkpoint = await readCheckpoint(path.join(fixturesRoot, workload));
  change(checkpoint);
  const dir = scratchDir(t, workload);
  await writeCheckpoint(checkpoint, dir);
  return dir;
}

/** Rewrites one image of a directory from its decoded entries. */
function rewriteImage(dir: string, name: string, change: (entries: Message[]) => Message[]): void {
  const file = path.join(dir, name);
  const image = decodeImage(fs.readFileSync(file), name);
  fs.writeFileSync(file, encodeImage({ magic: image.kind.name, entries: change(image.entries) }, name));
}

const lines = (findings: readonly Finding[], severity: Finding['severity']): string[] =>
  findings.filter((finding) => finding.severity === severity).map(findingLine);

function runValidate(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [AMBER, 'crit', 'validate', ...args], { encoding: 'utf8' });
}

/** The checkpoint's only task's main thread. */
function mainThread(checkpoint: Checkpoint): Thread {
  const [task] = checkpoint.tasks;
  return task.threads[0];
}

test('every CRIU fixture validates without errors', async () => {
  for (const workload of workloads()) {
    const findings = await validateCheckpoint(path.join(fixturesRoot, workload));
    assert.deepEqual(lines(findings, 'error'), [], workload);
    // The fixtures keep crit's JSON and CRIU's log next to the images: named, and only that.
    const others = findings.filter((finding) => finding.message !== 'not a checkpoint image; ignored');
    assert.deepEqual(others.map(findingLine), [], workload);
    assert.ok(findings.some((finding) => finding.image === 'dump.log'), `${workload}: dump.log is named`);
  }
});

interface BrokenCase {
  name: string;
  workload: string;
  change?: (checkpoint: Checkpoint) => void;
  /** Changes made to the written images, for what the model cannot hold. */
  damage?: (dir: string) => void;
  /** The one error expected, worked out from the fixture where it names its addresses. */
  expected: string | ((original: Checkpoint) => string);
}

const hex = (value: bigint): string => `0x${value.toString(16)}`;

const pipeEnd = (checkpoint: Checkpoint): PipeId => {
  const end = [...checkpoint.files.values()].find((file) => file.kind === 'pipe');
  assert.ok(end?.kind === 'pipe');
  return end.pipe;
};

const BROKEN: readonly BrokenCase[] = [
  {
    name: 'a files.img entry dropped',
    workload: 'loop',
    change: (c) => c.files.delete(asFileId(4)),
    expected: 'error: fdinfo-2.img entry 0 id: fd 0 points at file 4, which files.img lacks',
  },
  {
    name: 'a pid listed twice',
    workload: 'tree',
    damage: (dir) => rewriteImage(dir, 'pstree.img', (entries) => [...entries, entries[1]]),
    expected: 'error: pstree.img entry 5 pid: pid 24828 is already taken by entry 1',
  },
  {
    name: 'a thread listed by two tasks',
    workload: 'tree',
    damage: (dir) => rewriteImage(dir, 'pstree.img', (entries) => entries.map((entry, i) => (i === 2 ? { ...entry, threads: [entry.pid, 24828] } : entry))),
    expected: 'error: pstree.img entry 2 threads: thread 24828 is already taken by entry 1',
  },
  {
    name: "a thread's core image missing",
    workload: 'tree',
    damage: (dir) => fs.rmSync(path.join(dir, 'core-24829.img')),
    expected: 'error: core-24829.img: missing, but pstree.img lists task 24829',
  },
  {
    name: 'overlapping pagemap entries',
    workload: 'loop',
    change: (c) => {
      const ranges = c.tasks[0].pageMap!.ranges;
      ranges[2].address = ranges[1].address;
    },
    expected: (original) => {
      const [, first, second] = original.tasks[0].pageMap!.ranges;
      const end = (pages: number): string => hex(first.address + BigInt(pages) * 4096n);
      assert.equal(first.pageCount, 1);
      return `error: pagemap-24631.img entry 3 vaddr: range ${hex(first.address)}-${end(second.pageCount)} starts before the end of entry 2 (${end(1)})`;
    },
  },
  {
    name: 'pages-1.img one page short',
    workload: 'loop',
    damage: (dir) => fs.truncateSync(path.join(dir, 'pages-1.img'), fs.statSync(path.join(dir, 'pages-1.img')).size - 4096),
    expected: 'error: pages-1.img: holds 4317184 bytes, but pagemap-24631.img stores 1055 pages (4321280 bytes) in it',
  },
  {
    name: 'rip outside every VMA',
    workload: 'loop',
    change: (c) => (mainThread(c).cpu!.registers.rip = 0x1000n),
    expected: 'error: core-24631.img entry 0 thread_info.gpregs.ip: rip 0x1000 of thread 24631 is outside every executable VMA',
  },
  {
    name: 'a non-canonical rsp',
    workload: 'loop',
    change: (c) => (mainThread(c).cpu!.registers.rsp = 0x8000000000000000n),
    expected: 'error: core-24631.img entry 0 thread_info.gpregs.sp: rsp 0x8000000000000000 of thread 24631 is not a canonical address',
  },
  {
    name: 'an fd twice in one table',
    workload: 'loop',
    change: (c) => {
      const { fds } = c.fdTables.get(2)!;
      fds.push({ ...fds[0] });
    },
    expected: 'error: fdinfo-2.img entry 3 fd: fd 0 is already entry 0',
  },
  {
    name: 'pipe data for a pipe no file opens',
    workload: 'pipes',
    change: (c) => (c.pipeContents[0].pipe = 999 as PipeId),
    expected: 'error: pipes-data.img entry 0 pipe_id: data for pipe 999, which no file opens',
  },
  {
    name: 'a parent outside the tree',
    workload: 'tree',
    change: (c) => (c.tasks[1].parent = asPid(4242)),
    expected: 'error: pstree.img entry 1 ppid: parent 4242 of task 24828 is not in the tree',
  },
  {
    name: 'a core image cut short',
    workload: 'loop',
    damage: (dir) => fs.truncateSync(path.join(dir, 'core-24631.img'), 100),
    expected: 'error: core-24631.img entry 0: does not decode: at byte 8: file ends inside a 2331-byte core_entry message: needs 2331 bytes, only 88 left',
  },
  {
    name: 'a seccomp filter index past the list',
    workload: 'loop',
    change: (c) => Object.assign(mainThread(c).core!, { seccompMode: 'filter', seccompFilter: 3 }),
    expected: 'error: core-24631.img entry 0 thread_core.seccomp_filter: thread 24631 is in seccomp filter mode but uses filter 3, but seccomp.img holds 0',
  },
  {
    name: 'an unknown cgroup set',
    workload: 'loop',
    change: (c) => (mainThread(c).core!.cgroupSet = 7),
    expected: 'error: core-24631.img entry 0 thread_core.cg_set: thread 24631 is in cgroup set 7, which cgroup.img does not define',
  },
  {
    name: 'an epoll target that is not open',
    workload: 'fdtypes',
    change: (c) => {
      const table = c.fdTables.get(2)!;
      table.fds = table.fds.filter((fd) => fd.fd !== 7);
    },
    expected: 'error: files.img entry 10 epfd.tfd.0.tfd: epoll 11 watches fd 7, which fd table 2 lacks',
  },
  {
    name: 'a unix socket connected to nothing in the checkpoint',
    workload: 'unix',
    change: (c) => {
      const socket = c.files.get(asFileId(7));
      assert.ok(socket?.kind === 'unix-socket');
      socket.peerInode = 1;
    },
    expected: 'error: files.img entry 5 usk.peer: unix socket 7 is connected to 1, which no socket of the checkpoint is',
  },
  {
    name: 'a file in flight that files.img lacks',
    workload: 'unix',
    change: (c) => (c.socketQueues[0].filesInFlight = [asFileId(99)]),
    expected: 'error: sk-queues.img entry 0 scm: carries file 99 in flight (SCM_RIGHTS), which files.img lacks',
  },
  {
    name: 'a net namespace without its image',
    workload: 'loop',
    change: (c) => (c.tasks[0].ids!.netNamespace = 99),
    expected: "error: ids-24631.img entry 0 net_ns_id: net namespace 99 of task 24631 is not the dumping host's (2) and has no netns-99.img",
  },
  {
    name: 'a ghost file missing',
    workload: 'files',
    change: (c) => (c.ghosts = []),
    expected: 'error: remap-fpath.img entry 0 remap_id: file 8 is a ghost without ghost-file-1.img',
  },
];

/** The broken copy's directory and the error line expected for it. */
async function makeBroken(t: TestContext, broken: BrokenCase): Promise<{ dir: string; expected: string }> {
  const dir = await brokenCopy(t, broken.workload, broken.change ?? (() => {}));
  broken.damage?.(dir);
  const expected = typeof broken.expected === 'string' ? broken.expected : broken.expected(await readCheckpoint(path.join(fixturesRoot, broken.workload)));
  return { dir, expected };
}

for (const broken of BROKEN) {
  test(`validate finds ${broken.name}, and only that`, async (t) => {
    const { dir, expected } = await makeBroken(t, broken);
    assert.deepEqual(lines(await validateCheckpoint(dir), 'error'), [expected]);
    const { output, status } = await validationReport(dir, {});
    assert.equal(status, 1);
    assert.ok(output.split('\n').includes(expected), output);
    assert.match(output, /: not restorable \(1 error, \d+ warnings?\)\n$/);
  });
}

test("amber's command line prints the findings and exits 1 on errors", async (t) => {
  const { dir, expected } = await makeBroken(t, BROKEN[0]);
  const run = runValidate([dir]);
  assert.equal(run.status, 1);
  assert.ok(run.stdout.split('\n').includes(expected), run.stdout);
});

test('a pipe without a pipes-data entry is a warning: it restores empty', async (t) => {
  const dir = await brokenCopy(t, 'pipes', (c) => (c.pipeContents = c.pipeContents.filter((data) => data.pipe !== pipeEnd(c))));
  const findings = await validateCheckpoint(dir);
  assert.deepEqual(lines(findings, 'error'), []);
  assert.deepEqual(lines(findings, 'warning'), ['warning: pipes-data.img: pipe 341980 has no entry: it restores empty, with the default size']);
  assert.equal((await validationReport(dir, {})).status, 0);
});

test('a session led from outside the tree is a warning that names --shell-job', async (t) => {
  const dir = await brokenCopy(t, 'loop', (c) => (c.tasks[0].sid = asPid(1)));
  const findings = await validateCheckpoint(dir);
  assert.deepEqual(lines(findings, 'error'), []);
  assert.deepEqual(lines(findings, 'warning'), ['warning: pstree.img entry 0 sid: session 1 of task 24631 is led from outside the tree: restore needs --shell-job']);
});

test('--json gives the findings with image, entry and field', async (t) => {
  const dir = await brokenCopy(t, 'loop', (c) => c.files.delete(asFileId(5)));
  const { output, status } = await validationReport(dir, { json: true });
  assert.equal(status, 1);
  const report = JSON.parse(output) as { restorable: boolean; errors: number; findings: Finding[] };
  assert.equal(report.restorable, false);
  assert.equal(report.errors, 2);
  assert.deepEqual(
    report.findings.map(({ image, entry, field }) => [image, entry, field]),
    [
      ['fdinfo-2.img', 1, 'id'],
      ['fdinfo-2.img', 2, 'id'],
    ],
  );
});

test('bad input gives one line on stderr, never a stack trace', (t) => {
  const empty = scratchDir(t, 'empty');
  for (const [dir, expected] of [
    [path.join(empty, 'missing'), `amber: ${path.join(empty, 'missing')}: cannot read the checkpoint directory: ENOENT\n`],
    [empty, `amber: ${empty}: not a checkpoint directory (no inventory.img)\n`],
  ]) {
    const run = runValidate([dir]);
    assert.equal(run.status, 1);
    assert.equal(run.stderr, expected);
  }
});

test('--system compares recorded files with this system and finds pids in use', async (t) => {
  const standIn = path.join(scratchDir(t, 'files'), 'program');
  fs.writeFileSync(standIn, 'ten bytes!', { mode: 0o644 });
  const dir = await brokenCopy(t, 'loop', (c) => {
    const executable = c.files.get(asFileId(1));
    assert.ok(executable?.kind === 'regular' && executable.mode === 0o100755 && executable.size === 21824n);
    executable.path = standIn;
    const [task] = c.tasks;
    task.pid = asPid(process.pid);
    task.threads[0].tid = task.pid;
  });
  const findings = await validateCheckpoint(dir, { system: true });
  const about = (image: string, entry: number): string[] => lines(findings.filter((f) => f.image === image && f.entry === entry), 'error');
  assert.deepEqual(about('files.img', 0), [
    `error: files.img entry 0 reg.mode: ${standIn} has mode 0100644 here, 0100755 at dump time`,
    `error: files.img entry 0 reg.size: ${standIn} is 10 bytes long here, 21824 at dump time`,
    `error: files.img entry 0 reg.build_id: ${standIn} has no build-id here, 6519619683b29752705eb2e4b1f4b3c9ac1f7014 at dump time`,
  ]);
  const comm = fs.readFileSync('/proc/self/comm', 'utf8').trim();
  assert.deepEqual(about('pstree.img', 0), [`error: pstree.img entry 0 pid: pid ${process.pid} is in use here (by ${comm})`]);
});

test('--system: a ghost file needs the directory it goes back to', async (t) => {
  const scratch = scratchDir(t, 'ghost');
  const ghostErrors = async (directory: string): Promise<string[]> => {
    const dir = await brokenCopy(t, 'files', (c) => {
      const ghost = c.files.get(asFileId(8));
      assert.ok(ghost?.kind === 'regular');
      ghost.path = path.join(directory, 'ghost.txt');
    });
    return lines(await validateCheckpoint(dir, { system: true }), 'error').filter((line) => line.includes('ghost.txt'));
  };
  assert.deepEqual(await ghostErrors(scratch), []);
  const missing = path.join(scratch, 'gone');
  assert.deepEqual(await ghostErrors(missing), [
    `error: files.img entry 7 reg.name: ${missing}/ghost.txt is restored from its ghost, but ${missing} is no directory here`,
  ]);
});

test('a dump made by amber validates clean, also against this system once the program is gone', async (t) => {
  const start = usePrograms(t);
  const program = await start('dump-loop');
  const dir = scratchDir(t, 'dump');
  await dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: false, shellJob: false });
  await program.kill({ freePid: true });
  assert.deepEqual((await validateCheckpoint(dir)).map(findingLine), []);
  assert.deepEqual(lines(await validateCheckpoint(dir, { system: true }), 'error'), []);
  const task = findTask(await readCheckpoint(dir), program.pid as Pid);
  assert.ok(task.pageMap !== undefined && task.pageMap.ranges.length > 0, 'the dump stored pages, which the checks looked at');
});
