/** What a test compares of who a restored process is, and the clean-up of the extra processes a test program starts. */
import * as fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const IDENTITY_LINE = /^(Name|Uid|Gid|Groups|Cap\w+|NoNewPrivs|Seccomp|Seccomp_filters):/;

/** Per thread, the /proc status lines that say who it is and what it may do. */
export function identityOf(pid: number): string[] {
  return fs
    .readdirSync(`/proc/${pid}/task`)
    .sort()
    .flatMap((tid) =>
      fs
        .readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8')
        .split('\n')
        .filter((line) => IDENTITY_LINE.test(line))
        .map((line) => `${tid} ${line.replace(/\s+/g, ' ')}`),
    );
}

/** SIGKILL for a process the harness does not know about (a test program's child); gone already is fine. */
export function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Waits until nothing holds `pid` any more, so that a restore can take it again. */
export async function untilGone(pid: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (fs.existsSync(`/proc/${pid}`)) {
    if (Date.now() > deadline) throw new Error(`pid ${pid} is still in use after ${timeoutMs} ms`);
    await sleep(10);
  }
}
