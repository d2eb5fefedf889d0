/**
 * A test program running on its own: started through `setsid -f`, so it is
 * in its own session and a child of init, not of the test runner, with only
 * fds 0-2 (stdin /dev/null, stdout and stderr to a log file). The harness
 * talks to it through that log (conventions in test/programs/amber-test.h)
 * and signals sent by pid.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { __WALL, WNOHANG } from '../../src/sys/constants';
import { keepOnlyStandardFdsAcrossExec } from '../../src/sys/fd';
import { isSyscallError, native } from '../../src/sys/native';
import { buildProgram } from './build';

const LOG_DIR = path.join(os.tmpdir(), 'amber-test-runs');
const POLL_MS = 10;
const READY_TIMEOUT_MS = 10_000;
const GONE_TIMEOUT_MS = 10_000;

/** Signal that asks a program to check itself and print its verdict. */
const CHECK_SIGNAL = 'SIGUSR2';

function procStatusField(pid: number, field: string): string | null {
  try {
    const match = new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : match[1];
  } catch {
    return null;
  }
}

type Remains = 'gone' | 'alive' | 'zombie of another';

/**
 * What is left of a process. A zombie that waits for the test process itself
 * (as its tracer, or as its parent after a restore made it a child of amber)
 * is collected here and reported 'alive' until it is gone.
 */
function remains(pid: number): Remains {
  const state = procStatusField(pid, 'State');
  if (state === null) return 'gone';
  if (!state.startsWith('Z')) return 'alive';
  const ours = String(process.pid);
  if (procStatusField(pid, 'TracerPid') !== ours && procStatusField(pid, 'PPid') !== ours) return 'zombie of another';
  try {
    native().waitpid(pid, __WALL | WNOHANG);
  } catch (e) {
    if (!isSyscallError(e, 'ECHILD')) throw e;
  }
  return 'alive';
}

export class TestProgram {
  private constructor(
    readonly name: string,
    readonly pid: number,
    readonly logPath: string,
  ) {}

  /** The per-run directory that holds the log. */
  get runDir(): string {
    return path.dirname(this.logPath);
  }

  /** Builds and starts test/programs/NAME.c; resolves once it printed its pid (not yet READY). */
  static async launch(name: string, args: readonly string[]): Promise<TestProgram> {
    const binary = await buildProgram(name);
    fs.mkdirSync(LOG_DIR, { recursive: true });
    const logPath = path.join(fs.mkdtempSync(path.join(LOG_DIR, `${name}-`)), 'output.log');
    const log = fs.openSync(logPath, 'w');
    keepOnlyStandardFdsAcrossExec();
    try {
      const launcher = spawn('setsid', ['-f', binary, ...args], { stdio: ['ignore', log, log] });
      const code = await new Promise<number | null>((resolve, reject) => {
        launcher.on('error', reject);
        launcher.on('exit', resolve);
      });
      if (code !== 0) throw new Error(`setsid -f ${name} exited with ${code}`);
    } finally {
      fs.closeSync(log);
    }
    const started = await waitForLogLine(logPath, /^STARTED (\d+)$/m, READY_TIMEOUT_MS, name);
    return new TestProgram(name, Number(started[1]), logPath);
  }

  output(): string {
    return fs.readFileSync(this.logPath, 'utf8');
  }

  lines(pattern: RegExp): RegExpMatchArray[] {
    return this.output()
      .split('\n')
      .map((line) => pattern.exec(line))
      .filter((match): match is RegExpExecArray => match !== null);
  }

  /** The first line matching `pattern`, waiting for it; a FAIL line or the program's end is an error. */
  waitForLine(pattern: RegExp, timeoutMs = READY_TIMEOUT_MS): Promise<RegExpMatchArray> {
    return waitForLogLine(this.logPath, new RegExp(pattern.source, 'm'), timeoutMs, this.name, this.pid);
  }

  /** Waits for "READY <pid>". */
  async ready(): Promise<void> {
    await this.waitForLine(new RegExp(`^READY ${this.pid}$`));
  }

  /** The "INFO key=value" lines printed so far. */
  info(): Map<string, string> {
    return new Map(this.lines(/^INFO ([^=]+)=(.*)$/).map((m) => [m[1], m[2]] as [string, string]));
  }

  infoValue(key: string): string {
    const value = this.info().get(key);
    if (value === undefined) throw new Error(`${this.name} (pid ${this.pid}) printed no INFO ${key}`);
    return value;
  }

  signal(signal: NodeJS.Signals): void {
    process.kill(this.pid, signal);
  }

  /** Asks the program to check itself (it then prints its verdict and exits). */
  requestCheck(): void {
    this.signal(CHECK_SIGNAL);
  }

  /** "PASS" or "FAIL: reason", once the program has printed it and exited. */
  async verdict(timeoutMs = READY_TIMEOUT_MS): Promise<string> {
    const match = await waitForLogLine(this.logPath, /^(PASS|FAIL: .*)$/m, timeoutMs, this.name, this.pid);
    await waitUntilEnded(this.pid, timeoutMs, false);
    return match[1];
  }

  /** SIGKILL by pid, then wait until the process has ended (and with `freePid`, until its pid is free). */
  async kill(options: { freePid?: boolean } = {}): Promise<void> {
    if (remains(this.pid) === 'gone') return;
    if (this.ownsPid()) {
      try {
        process.kill(this.pid, 'SIGKILL');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
      }
    }
    await waitUntilEnded(this.pid, GONE_TIMEOUT_MS, options.freePid ?? false);
  }

  /** The pid still belongs to this program: its stdout is our log (true across a restore, unlike a start time). */
  private ownsPid(): boolean {
    try {
      return fs.readlinkSync(`/proc/${this.pid}/fd/1`) === this.logPath;
    } catch {
      return false;
    }
  }
}

/**
 * Waits until the process has ended: gone, or a zombie that init (its
 * parent) reaps in its own time, which can take a second or two. With
 * `freePid`, waits for that too, so that a test may restore a process with
 * the same pid; a zombie of another still there at the deadline is left be.
 */
async function waitUntilEnded(pid: number, timeoutMs: number, freePid: boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let left = remains(pid); left !== 'gone'; left = remains(pid)) {
    if (left === 'zombie of another' && (!freePid || Date.now() > deadline)) return;
    if (Date.now() > deadline) throw new Error(`pid ${pid} is still alive after ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

async function waitForLogLine(
  logPath: string,
  pattern: RegExp,
  timeoutMs: number,
  name: string,
  pid?: number,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Look at the process before its log: whatever it printed before it ended is then in the text.
    const ended = pid !== undefined && remains(pid) !== 'alive';
    const text = fs.readFileSync(logPath, 'utf8');
    const match = pattern.exec(text);
    if (match !== null) return match;
    const failure = /^FAIL: .*$/m.exec(text);
    if (failure !== null) throw new Error(`${name}: ${failure[0]}`);
    if (ended) throw new Error(`${name} (pid ${pid}) ended without printing ${pattern}; output:\n${text}`);
    if (Date.now() > deadline) throw new Error(`${name}: no ${pattern} within ${timeoutMs} ms; output:\n${text}`);
    await sleep(POLL_MS);
  }
}
