import * as fs from 'node:fs';

/** /proc/PID/stat counts CPU time in clock ticks: USER_HZ, 100 on Linux. */
const TICKS_PER_SECOND = 100;
/** Fields 16 and 17 of /proc/self/stat (cutime, cstime), counted after the ")" that ends the command name. */
const CHILDREN_TIME_FIELDS = [13, 14];

/** CPU seconds used by waited-for child processes so far (proc(5)). */
function childrenCpuSeconds(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return CHILDREN_TIME_FIELDS.reduce((sum, i) => sum + Number(fields[i]), 0) / TICKS_PER_SECOND;
}

/**
 * CPU seconds (user + system) used so far by this process and the children
 * it has waited for: unlike wall time, barely changed by other work sharing
 * the machine's cores.
 */
export function cpuSeconds(): number {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1e6 + childrenCpuSeconds();
}
