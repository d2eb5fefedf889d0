import * as fs from 'node:fs';

/** A pid that is free now, well above the last one handed out so that it stays free for the test. */
export function freePid(): number {
  let pid = Number(fs.readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8')) + 500;
  while (fs.existsSync(`/proc/${pid}`)) pid++;
  return pid;
}
