/**
 * amber and CRIU 4 restore each other's checkpoints: each test program is
 * dumped by one, killed, restored by the other, and then checks itself.
 *
 * Programs CRIU cannot take either way are not here: an eventfd in
 * semaphore mode (CRIU keeps no EFD_SEMAPHORE), tasks sharing fs info
 * (CLONE_FS), credentials or descriptors queued on a socket, a task inside
 * vfork, queued inotify events (CRIU drops them; amber refuses them), a
 * session whose controlling terminal is a pty of the tree, and a changed
 * personality (CRIU 4.2 stores it garbled and does not restore it; see
 * src/model/process.ts).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { dump } from '../../src/dump';
import { restore } from '../../src/restore';
import { asPid } from '../../src/sys/types';
import { findCriu, runCriu } from '../harness/criu';
import { killIfAlive, processTree, untilGone } from '../harness/processes';
import { usePrograms } from '../harness/programs';

type Tool = 'amber' | 'CRIU';

interface InteropCase {
  program: string;
  /** What the test is called when the program appears more than once. */
  variant?: string;
  /** The program's arguments, given a scratch directory and a name unique to the run. */
  args?: (scratch: string, unique: string) => string[];
  fileLocks?: boolean;
  /** The only direction that works, and why the other does not. */
  onlyDumpedBy?: { tool: Tool; why: string };
}

const CASES: InteropCase[] = [
  { program: 'restore-counter' },
  { program: 'restore-tree', args: (scratch) => [path.join(scratch, 'data')] },
  { program: 'restore-files', args: (scratch) => [scratch] },
  { program: 'restore-signals' },
  { program: 'restore-posix-timers' },
  { program: 'restore-seccomp' },
  { program: 'restore-seccomp-strict' },
  { program: 'restore-sessions' },
  {
    program: 'restore-unix-pending',
    args: (scratch) => [scratch],
    onlyDumpedBy: { tool: 'CRIU', why: "CRIU's restore queues a listener's waiting connections in no set order" },
  },
  { program: 'restore-file-locks', args: (scratch) => [scratch], fileLocks: true },
  { program: 'restore-ipc', args: () => ['own'] },
  { program: 'restore-shared-memory', args: (_, unique) => [`/${unique}`] },
  { program: 'restore-shared-memory', variant: 'unlinked while mapped', args: (_, unique) => [`/${unique}`, 'unlinked'] },
  { program: 'restore-fsnotify', args: (scratch) => [scratch] },
  { program: 'restore-deleted-exe', args: (scratch) => [scratch] },
  { program: 'dump-threads' },
  { program: 'dump-tree', args: (scratch) => [scratch] },
  { program: 'dump-files', args: (scratch) => [scratch] },
  { program: 'dump-memory', args: () => ['16'] },
  { program: 'fd-tree', args: (scratch) => ['4', path.join(scratch, 'file')] },
  {
    program: 'restore-sleepers',
    onlyDumpedBy: { tool: 'amber', why: 'CRIU turns a sleep its dump interrupted into EINTR in the image itself' },
  },
  {
    program: 'restore-unix-sockets',
    args: (scratch) => [scratch],
    onlyDumpedBy: { tool: 'CRIU', why: "CRIU's restore gives an accepted socket no name" },
  },
];

const criu = findCriu();

async function dumpWith(tool: Tool, pid: number, imagesDir: string, fileLocks: boolean): Promise<void> {
  if (tool === 'amber') {
    await dump({ pid: asPid(pid), imagesDir, leaveRunning: true, shellJob: false, fileLocks });
  } else if ('command' in criu) {
    await runCriu(criu.command, 'dump', imagesDir, ['-t', String(pid), '--leave-running', ...(fileLocks ? ['--file-locks'] : [])]);
  }
}

async function restoreWith(tool: Tool, imagesDir: string, fileLocks: boolean): Promise<void> {
  if (tool === 'amber') {
    await restore({ imagesDir, detached: true, shellJob: false });
  } else if ('command' in criu) {
    await runCriu(criu.command, 'restore', imagesDir, ['--restore-detached', ...(fileLocks ? ['--file-locks'] : [])]);
  }
}

async function roundTrip(t: TestContext, c: InteropCase, dumper: Tool, restorer: Tool): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `amber-interop-${c.program}-`));
  const unique = path.basename(scratch);
  t.after(() => {
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(path.join('/dev/shm', unique), { force: true });
  });
  const program = await usePrograms(t)(c.program, c.args?.(scratch, unique) ?? []);
  const pids = processTree(program.pid);
  t.after(() => pids.forEach(killIfAlive));
  const imagesDir = path.join(scratch, 'images');
  fs.mkdirSync(imagesDir);

  await dumpWith(dumper, program.pid, imagesDir, c.fileLocks ?? false);
  pids.forEach(killIfAlive);
  for (const pid of pids) await untilGone(pid);
  await restoreWith(restorer, imagesDir, c.fileLocks ?? false);
  assert.deepEqual(
    pids.filter((pid) => !fs.existsSync(`/proc/${pid}`)),
    [],
    'every process of the tree runs again with its pid',
  );
  program.requestCheck();
  assert.equal(await program.verdict(), 'PASS');
}

for (const c of CASES) {
  for (const [dumper, restorer] of [['amber', 'CRIU'], ['CRIU', 'amber']] as const) {
    const skip = 'missing' in criu ? criu.missing : c.onlyDumpedBy !== undefined && c.onlyDumpedBy.tool !== dumper ? c.onlyDumpedBy.why : false;
    test(`${c.program}${c.variant === undefined ? '' : ` (${c.variant})`}: dumped by ${dumper}, restored by ${restorer}, runs on and passes its own checks`, { timeout: 30_000, skip }, (t) => roundTrip(t, c, dumper, restorer));
  }
}
