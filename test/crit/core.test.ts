import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it, test, type TestContext } from 'node:test';
import { writeCores } from '../../src/crit/core';
import { dump } from '../../src/dump';
import { PAGE_SIZE } from '../../src/images';
import { asFileId, pageLocations, readCheckpoint, readTaskMemory, type Checkpoint, type FpuState, type Task } from '../../src/model';
import { asPid } from '../../src/sys/types';
import { buildProgram } from '../harness/build';
import { usePrograms } from '../harness/programs';
import { fixturesRoot, workloads } from './fixtures';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');

function scratchDir(t: TestContext, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `amber-core-${name}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** gdb in batch mode, without init files or network look-ups; stdout and stderr together. */
function gdb(commands: readonly string[], files: readonly string[]): string {
  const args = ['-batch', '-nx', '-iex', 'set debuginfod enabled off', ...commands.flatMap((command) => ['-ex', command]), ...files];
  const run = spawnSync('gdb', args, { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 });
  assert.equal(run.status, 0, `gdb ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout + run.stderr;
}

function readelf(option: string, file: string): string {
  return execFileSync('readelf', [option, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** The type of each note `readelf -n` lists, in file order. */
function noteTypes(core: string): string[] {
  return [...readelf('-n', core).matchAll(/^\s+(?:CORE|LINUX)\s+0x[0-9a-f]+\s+(NT_\w+)/gm)].map((match) => match[1]);
}

interface LoadSegment {
  offset: bigint;
  address: bigint;
  fileSize: bigint;
  memorySize: bigint;
  flags: string;
}

function loadSegments(core: string): LoadSegment[] {
  const pattern = /^\s+LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s(.{3})\s+0x1000$/gm;
  return [...readelf('-lW', core).matchAll(pattern)].map((m) => ({
    offset: BigInt(m[1]),
    address: BigInt(m[2]),
    fileSize: BigInt(m[3]),
    memorySize: BigInt(m[4]),
    flags: m[5],
  }));
}

function readCoreBytes(core: string, position: bigint, length: number): Buffer {
  const fd = fs.openSync(core, 'r');
  try {
    const bytes = Buffer.alloc(length);
    fs.readSync(fd, bytes, 0, length, Number(position));
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}

/** The segment holding `address` in the core file, with the byte of the core where that address is. */
function locate(segments: readonly LoadSegment[], address: bigint): bigint | undefined {
  const segment = segments.find((s) => s.address <= address && address < s.address + s.fileSize);
  return segment === undefined ? undefined : segment.offset + (address - segment.address);
}

/** Each thread's rip in gdb's `thread apply all info registers rip`, by LWP. */
function threadRips(output: string): Map<number, bigint> {
  return new Map([...output.matchAll(/^Thread \d+ \(LWP (\d+)\):\nrip\s+(0x[0-9a-f]+)/gm)].map((m) => [Number(m[1]), BigInt(m[2])]));
}

const YMM_REGISTERS = 16;

/**
 * ymmN as 32-bit words, as gdb prints it: xmmN below the upper half, each
 * zero when XSTATE_BV says its component is in its initial state.
 */
function expectedYmm(fpu: FpuState, n: number): string {
  const components = fpu.xsave?.components ?? 0b11n;
  const words = (all: readonly number[]): number[] => all.slice(4 * n, 4 * n + 4);
  const lower = components & 0b10n ? words(fpu.xmmRegisters) : [0, 0, 0, 0];
  const upper = components & 0b100n ? words(fpu.xsave?.ymmUpper ?? []) : [0, 0, 0, 0];
  return [...lower, ...upper].map((word) => `0x${word.toString(16)}`).join(', ');
}

function checkCoreOfFixtureTask(checkpoint: Checkpoint, task: Task, core: string, segments: readonly LoadSegment[]): void {
  const memory = task.memory;
  assert.ok(memory !== undefined && task.pageMap !== undefined);
  const main = task.threads.find((thread) => thread.tid === task.pid)?.cpu;
  assert.ok(main !== undefined);

  const ymm = Array.from({ length: YMM_REGISTERS }, (_, n) => `p/x $ymm${n}.v8_int32`);
  const shown = gdb(['info registers rip rsp', ...ymm, 'info threads', 'thread apply all info registers rip', 'info proc mappings'], ['-c', core]);
  assert.match(shown, new RegExp(`^rip\\s+0x${main.registers.rip.toString(16)}\\s`, 'm'), `task ${task.pid}: gdb shows the main thread's rip`);
  assert.match(shown, new RegExp(`^rsp\\s+0x${main.registers.rsp.toString(16)}\\s`, 'm'), `task ${task.pid}: gdb shows the main thread's rsp`);
  const printed = [...shown.matchAll(/^\$\d+ = \{(.*)\}$/gm)].map((m) => m[1]);
  assert.deepEqual(printed, ymm.map((_, n) => expectedYmm(main.fpu, n)), `task ${task.pid}: gdb shows ymm0-15 from the FPU and AVX state`);
  assert.match(shown, new RegExp(`^\\* 1\\s+LWP ${task.pid}\\s`, 'm'), 'the main thread is the current one');
  assert.deepEqual(threadRips(shown), new Map(task.threads.map((thread) => [thread.tid, thread.cpu?.registers.rip])), `task ${task.pid}: every thread with its rip`);

  const notes = noteTypes(core);
  const count = (type: string): number => notes.filter((note) => note === type).length;
  assert.equal(notes[0], 'NT_PRSTATUS');
  assert.equal(count('NT_PRSTATUS'), task.threads.length);
  assert.equal(count('NT_FPREGSET'), task.threads.length);
  assert.equal(count('NT_X86_XSTATE'), task.threads.filter((thread) => thread.cpu?.fpu.xsave !== undefined).length);
  for (const once of ['NT_PRPSINFO', 'NT_AUXV', 'NT_FILE', 'NT_SIGINFO']) assert.equal(count(once), 1, `one ${once}`);

  const vmas = [...memory.vmas].sort((a, b) => (a.start < b.start ? -1 : 1));
  assert.deepEqual(
    segments.map((s) => [s.address, s.memorySize, s.flags]),
    vmas.map((vma) => [vma.start, vma.end - vma.start, `${vma.protection.read ? 'R' : ' '}${vma.protection.write ? 'W' : ' '}${vma.protection.exec ? 'E' : ' '}`]),
    'one load segment per VMA, with its bounds and protection',
  );
  for (const vma of vmas.filter((v) => v.kind.filePrivate || v.kind.fileShared)) {
    const file = checkpoint.files.get(asFileId(Number(vma.shmid)));
    assert.ok(file?.kind === 'regular');
    assert.match(shown, new RegExp(`^\\s+0x${vma.start.toString(16)}\\s+0x${vma.end.toString(16)}\\s.*\\s${file.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), `NT_FILE names ${file.path}`);
  }
}

/** Every dumped range's first and last page is in the core where its address says. */
async function checkDumpedPages(checkpoint: Checkpoint, task: Task, core: string, segments: readonly LoadSegment[]): Promise<number> {
  assert.ok(task.pageMap !== undefined);
  let checked = 0;
  for (const { range } of pageLocations(task.pageMap)) {
    for (const address of new Set([range.address, range.address + BigInt((range.pageCount - 1) * PAGE_SIZE)])) {
      const position = locate(segments, address);
      if (position === undefined) continue;
      const expected = await readTaskMemory(checkpoint, task.pid, address, PAGE_SIZE);
      assert.ok(readCoreBytes(core, position, PAGE_SIZE).equals(expected), `task ${task.pid}: page 0x${address.toString(16)} as dumped`);
      checked++;
    }
  }
  return checked;
}

describe('crit core on CRIU 4.2 checkpoints: gdb and readelf read what the images hold', () => {
  for (const workload of workloads()) {
    it(workload, async (t) => {
      const dir = path.join(fixturesRoot, workload);
      const out = scratchDir(t, workload);
      const skipped: string[] = [];
      const cores = await writeCores(dir, out, (message) => skipped.push(message));
      const checkpoint = await readCheckpoint(dir);
      for (const task of checkpoint.tasks) {
        const core = path.join(out, `core.${task.pid}`);
        if (task.memory === undefined) {
          assert.ok(!fs.existsSync(core), `no core for task ${task.pid}, which has no memory`);
          assert.ok(skipped.some((message) => message.startsWith(`task ${task.pid}:`)), `a message names task ${task.pid}`);
          continue;
        }
        assert.ok(cores.some((written) => written.file === core));
        const segments = loadSegments(core);
        checkCoreOfFixtureTask(checkpoint, task, core, segments);
        assert.ok((await checkDumpedPages(checkpoint, task, core, segments)) > 0, `task ${task.pid}: some dumped pages are checked`);
      }
    });
  }

  it('fills a mapping of a file found here with the same size from that file', async (t) => {
    const dir = path.join(fixturesRoot, 'threads');
    const out = scratchDir(t, 'file');
    const [written] = await writeCores(dir, out, () => undefined);
    const checkpoint = await readCheckpoint(dir);
    const task = checkpoint.tasks[0];
    const segments = loadSegments(written.file);
    let checked = 0;
    for (const vma of task.memory?.vmas ?? []) {
      const file = checkpoint.files.get(asFileId(Number(vma.shmid)));
      if (!vma.kind.filePrivate || file?.kind !== 'regular' || !fs.existsSync(file.path) || BigInt(fs.statSync(file.path).size) !== file.size) continue;
      const segment = segments.find((s) => s.address === vma.start);
      assert.ok(segment !== undefined && segment.fileSize === vma.end - vma.start, `${file.path} at 0x${vma.start.toString(16)} is in the core`);
      const dumped = pageLocations(task.pageMap ?? { pagesId: 0, ranges: [] }).some(
        ({ range }) => range.address <= vma.start && vma.start < range.address + BigInt(range.pageCount * PAGE_SIZE),
      );
      if (dumped) continue;
      const expected = Buffer.alloc(64);
      const fd = fs.openSync(file.path, 'r');
      fs.readSync(fd, expected, 0, 64, Number(vma.fileOffset));
      fs.closeSync(fd);
      assert.ok(readCoreBytes(written.file, segment.offset, 64).equals(expected), `${file.path} + 0x${vma.fileOffset.toString(16)}`);
      checked++;
    }
    if (checked === 0) t.skip('no mapped file of this checkpoint is on this system');
  });
});

test('crit core of a running program: gdb shows every thread in its function and the value of a global', async (t) => {
  const start = usePrograms(t);
  const program = await start('core-threads');
  const dir = scratchDir(t, 'live');
  await dump({ pid: asPid(program.pid), imagesDir: dir, leaveRunning: true, shellJob: false });

  const began = performance.now();
  const run = spawnSync(process.execPath, [CLI, 'crit', 'core', dir], { encoding: 'utf8' });
  const milliseconds = performance.now() - began;
  assert.equal(run.status, 0, run.stderr);
  const core = path.join(dir, `core.${program.pid}`);
  assert.equal(run.stdout, `${core}\n`);
  t.diagnostic(`core of ${fs.statSync(core).size} bytes (${fs.statSync(core).blocks * 512} on disk) in ${milliseconds.toFixed(0)} ms`);

  const output = gdb(['info threads', 'thread apply all bt', 'print counter'], [await buildProgram('core-threads'), core]);
  const functions = [...program.info()].filter(([key]) => key.startsWith('tid.')).map(([key, tid]) => ({ name: key.slice('tid.'.length), tid: Number(tid) }));
  assert.equal(functions.length, 3);
  const listed = [...output.matchAll(/^\*?\s+\d+\s+(?:Thread 0x[0-9a-f]+ \()?LWP (\d+)/gm)].map((m) => Number(m[1]));
  assert.deepEqual(listed.sort(), [program.pid, ...functions.map((f) => f.tid)].sort(), 'info threads lists the main thread and each other thread');
  const backtraces = output.split(/^(?=Thread \d+ )/m);
  const backtraceOf = (tid: number): string => backtraces.find((part) => new RegExp(`^Thread \\d+ \\((?:Thread 0x[0-9a-f]+ \\()?LWP ${tid}\\)`).test(part)) ?? '';
  for (const { name, tid } of [...functions, { name: 'main', tid: program.pid }]) {
    assert.match(backtraceOf(tid), new RegExp(`^#\\d+\\s+.*\\b${name} \\(`, 'm'), `thread ${tid}'s backtrace goes through ${name}:\n${output}`);
  }
  assert.match(output, new RegExp(`^\\$1 = ${program.infoValue('counter')}$`, 'm'), 'gdb prints the counter the program reported');

  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
});
