/**
 * The demo's counter (examples/counter.c): built with cc into a temporary
 * directory and started through `setsid -f`, so that it runs in its own
 * session as a child of init, with only fds 0-2 and its output in a log.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { AmberError } from '../errors';
import { __WALL } from '../sys/constants';
import { keepOnlyStandardFdsAcrossExec } from '../sys/fd';
import { asPid, type Address, type Pid } from '../sys/types';
import { waitpid } from '../sys/wait';

/** examples/counter.c in the repository, seen from dist/src/demo/. */
const SOURCE = path.resolve(__dirname, '../../..', 'examples', 'counter.c');
const POLL_MS = 20;
const START_TIMEOUT_MS = 5000;
const GONE_TIMEOUT_MS = 5000;

function statusField(pid: Pid, field: 'State' | 'PPid'): string | null {
  try {
    return new RegExp(`^${field}:\\s*(\\S+)`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

async function build(dir: string): Promise<string> {
  const binary = path.join(dir, 'counter');
  try {
    await promisify(execFile)('cc', ['-O1', '-o', binary, SOURCE]);
  } catch (e) {
    throw new AmberError(`demo: cannot build ${SOURCE} with cc: ${(e as { stderr?: string }).stderr?.trim() || String(e)}`);
  }
  return binary;
}

export class Counter {
  /** Killed and reaped: its pid may belong to another process now. */
  private gone = false;

  private constructor(
    readonly pid: Pid,
    /** Where its count lives in its memory (an unsigned long). */
    readonly countAddress: Address,
    readonly logPath: string,
  ) {}

  /** Builds and starts the counter in `dir`; resolves once it said where it counts. */
  static async start(dir: string): Promise<Counter> {
    const binary = await build(dir);
    const logPath = path.join(dir, 'counter.log');
    const log = fs.openSync(logPath, 'w');
    try {
      keepOnlyStandardFdsAcrossExec();
      const launcher = spawn('setsid', ['-f', binary], { stdio: ['ignore', log, log] });
      const code = await new Promise<number | null>((resolve, reject) => launcher.on('error', reject).on('exit', resolve));
      if (code !== 0) throw new AmberError(`demo: setsid -f ${binary} exited with ${code}`);
    } finally {
      fs.closeSync(log);
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const started = /^counter (\d+) counts at 0x([0-9a-f]+)$/m.exec(fs.readFileSync(logPath, 'utf8'));
      if (started !== null) return new Counter(asPid(Number(started[1])), BigInt(`0x${started[2]}`), logPath);
      if (Date.now() > deadline) throw new AmberError(`demo: the counter did not start within ${START_TIMEOUT_MS} ms`);
      await sleep(POLL_MS);
    }
  }

  /** The numbers it printed so far. */
  counts(): number[] {
    return fs
      .readFileSync(this.logPath, 'utf8')
      .split('\n')
      .filter((line) => /^\d+$/.test(line))
      .map(Number);
  }

  /** Waits until it printed at least `count` numbers. */
  async waitForCounts(count: number): Promise<number[]> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const counts = this.counts();
      if (counts.length >= count) return counts;
      if (Date.now() > deadline) throw new AmberError(`demo: the counter (pid ${this.pid}) printed only ${counts.length} numbers`);
      await sleep(POLL_MS);
    }
  }

  /** SIGKILL, right now (for exit and signal handlers). */
  killNow(): void {
    if (this.gone) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  /** SIGKILL, then waits until it is reaped: by amber when it is amber's child (as after a restore), else by init. */
  async kill(): Promise<void> {
    if (this.gone) return;
    this.killNow();
    if (statusField(this.pid, 'PPid') === String(process.pid)) waitpid(this.pid, __WALL);
    await this.waitUntilGone();
  }

  /** Waits until its pid is free: it ended and was reaped. */
  async waitUntilGone(): Promise<void> {
    const deadline = Date.now() + GONE_TIMEOUT_MS;
    while (statusField(this.pid, 'State') !== null) {
      if (Date.now() > deadline) throw new AmberError(`demo: the counter (pid ${this.pid}) is still there after ${GONE_TIMEOUT_MS} ms`);
      await sleep(POLL_MS);
    }
    this.gone = true;
  }

  /** It runs again under its pid (restored). */
  cameBack(): void {
    this.gone = false;
  }
}
