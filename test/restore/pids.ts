import * as fs from 'node:fs';

/** Pids below this are where the kernel wraps around to (kernel/pid.c RESERVED_PIDS). */
const FIRST_WRAPPED_PID = 300;

function readNumber(file: string): number {
  return Number(fs.readFileSync(file, 'utf8'));
}

/**
 * A pid that is free now, some way past the last one handed out so that it
 * stays free for the test; it wraps below pid_max as the kernel's own
 * allocation does.
 */
export function freePid(): number {
  const pidMax = readNumber('/proc/sys/kernel/pid_max');
  const span = pidMax - FIRST_WRAPPED_PID;
  const start = readNumber('/proc/sys/kernel/ns_last_pid') + 500;
  for (let step = 0; step < span; step++) {
    const pid = FIRST_WRAPPED_PID + ((start - FIRST_WRAPPED_PID + step) % span);
    if (!fs.existsSync(`/proc/${pid}`)) return pid;
  }
  throw new Error('no free pid below pid_max');
}
