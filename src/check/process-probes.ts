/** Creating tasks with chosen pids, reaching into their fds, comparing kernel objects, time namespaces. */
import * as fs from 'node:fs';
import { CLONE_NEWTIME, F_DUPFD_CLOEXEC, KcmpType } from '../sys/constants';
import { close, fcntl } from '../sys/fd';
import { isSyscallError } from '../sys/native';
import { kcmp, pidfdGetfd, pidfdOpen } from '../sys/pidfd';
import { asFd, asPid, type Fd, type Pid } from '../sys/types';
import { absent, present, type Feature } from './feature';
import { withStoppedChild } from './probe-child';

const self = (): Pid => asPid(process.pid);

/** Runs `use` with an fd of amber's open on /dev/null, closed afterwards. */
function withOpenFd<T>(use: (fd: Fd) => T): T {
  const fd = asFd(fs.openSync('/dev/null', 'r'));
  try {
    return use(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether two fds of amber are the same open file description, by kcmp(KCMP_FILE). */
const sameFile = (a: Fd, b: Fd): boolean => kcmp(self(), self(), KcmpType.File, a, b) === 'equal';

/** The highest pids are the last the kernel hands out, so they are the likeliest to be free. */
function freePidCandidates(count: number): number[] {
  const pidMax = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  const candidates: number[] = [];
  for (let pid = pidMax - 1; pid > 300 && candidates.length < count; pid--) if (!fs.existsSync(`/proc/${pid}`)) candidates.push(pid);
  return candidates;
}

export const clone3SetTid: Feature = {
  name: 'clone3_set_tid',
  description: 'clone3() with set_tid',
  required: true,
  consequence: 'tasks cannot be restored with their own pids',
  probe: async () => {
    for (const wanted of freePidCandidates(3)) {
      try {
        const got = withStoppedChild((child) => child, { setTid: [wanted] });
        return got === wanted ? present() : absent(`asked for pid ${wanted}, got ${got}`);
      } catch (e) {
        // Someone took the pid between the look and the clone: try the next one.
        if (!isSyscallError(e, 'EEXIST')) throw e;
      }
    }
    return absent('found no free pid to ask for');
  },
};

export const pidfdStore: Feature = {
  name: 'pidfd_store',
  description: 'pidfd_open() and pidfd_getfd()',
  required: true,
  consequence: "amber cannot copy a task's file descriptors: no dump is possible",
  probe: async () =>
    withOpenFd((fd) => {
      const pidfd = pidfdOpen(self());
      try {
        const copy = pidfdGetfd(pidfd, fd);
        close(copy);
        return present();
      } finally {
        close(pidfd);
      }
    }),
};

export const kcmpFile: Feature = {
  name: 'kcmp',
  description: 'kcmp() on files',
  required: true,
  consequence: 'amber cannot tell which fds share an open file: shared files are restored as copies',
  probe: async () =>
    withOpenFd((fd) => {
      const copy = asFd(fcntl(fd, F_DUPFD_CLOEXEC));
      try {
        return sameFile(fd, copy) ? present() : absent('a dup of an fd compared as a different file');
      } finally {
        close(copy);
      }
    }),
};

export const timens: Feature = {
  name: 'timens',
  description: 'time namespaces',
  required: false,
  consequence: 'tasks in a time namespace cannot be dumped, and restored monotonic clocks jump',
  probe: async () => {
    if (!fs.existsSync('/proc/self/ns/time')) return absent('no /proc/self/ns/time');
    const own = fs.readlinkSync('/proc/self/ns/time');
    const childs = withStoppedChild((child) => fs.readlinkSync(`/proc/${child}/ns/time`), { flags: CLONE_NEWTIME });
    return childs !== own ? present() : absent('a child cloned with CLONE_NEWTIME stayed in amber\'s time namespace');
  },
};
