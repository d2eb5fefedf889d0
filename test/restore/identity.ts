/** What a test compares of who a restored process is, and the clean-up of the extra processes a test program starts. */
import * as fs from 'node:fs';

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


