/** Children for the kernel tests of src/sys: started with fds 0-2 only, always killed and awaited. */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SIGKILL, __WALL } from '../../src/sys/constants';
import { isSyscallError } from '../../src/sys/native';
import { kill } from '../../src/sys/process';
import type { Pid } from '../../src/sys/types';
import { waitpid } from '../../src/sys/wait';

const repo = path.resolve(__dirname, '../../..');

/** Compiles test/programs/<name>.c into a temporary directory and returns the executable. */
export function buildProgram(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-sys-'));
  const output = path.join(dir, name);
  execFileSync('gcc', ['-O0', '-o', output, path.join(repo, 'test', 'programs', `${name}.c`)]);
  return output;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Runs `body` with a spawned child (stdout piped when `readStdout`), then
 * SIGKILLs it by pid and waits until Node has reaped it. Any ptrace session
 * must end (detach) inside `body`: Node's own SIGCHLD handling reaps the child.
 */
export async function withChild(
  command: string,
  args: string[],
  body: (pid: Pid, child: ChildProcess) => Promise<void> | void,
): Promise<void> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const gone = exited(child);
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    await body(child.pid as Pid, child);
  } finally {
    if (child.pid !== undefined) killIfAlive(child.pid as Pid);
    await gone;
  }
}

/** SIGKILL, ignoring a process that already died. */
function killIfAlive(pid: Pid): void {
  try {
    kill(pid, SIGKILL);
  } catch (e) {
    if (!isSyscallError(e, 'ESRCH')) throw e;
  }
}

/** The first line the child prints. */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
    child.once('exit', () => reject(new Error('child exited before printing a line')));
  });
}

/** SIGKILLs a child that amber itself created (not through Node) and reaps it. */
export function killAndReap(pid: Pid): void {
  kill(pid, SIGKILL);
  for (;;) {
    const result = waitpid(pid, __WALL);
    if (result !== null && result.status.kind !== 'stopped' && result.status.kind !== 'continued') return;
  }
}

export function procStatusField(pid: Pid, field: string): string {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return line === undefined ? '' : line.slice(field.length + 1).trim();
}

export function readProcNumber(file: string): number {
  return Number(fs.readFileSync(file, 'utf8').trim());
}
