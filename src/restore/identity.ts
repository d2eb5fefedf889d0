/**
 * Who each thread is and what it may do: scheduling, seccomp filters,
 * credentials and the parent-death signal. This is the last state amber
 * gives a task before it lets it go, because the thread's own credentials
 * may lack the privileges every earlier step needs; amber's later
 * injections (the scratch page's removal) need none, and ptrace stays
 * attached whatever the new credentials are.
 */
import type { Checkpoint } from '../model';
import { Syscall } from '../sys/syscall-numbers';
import type { RestoringTask } from './context';
import { restoreCredentials } from './credentials';
import { restoreScheduling } from './scheduling';
import { restoreSeccomp } from './seccomp';

const PR_SET_PDEATHSIG = 1n;
const PR_SET_DUMPABLE = 4n;

export function restoreIdentity(checkpoint: Checkpoint, task: RestoringTask): void {
  const remotes = [task.main, ...task.threads];
  task.task.threads.forEach((thread, i) => restoreScheduling(thread, remotes[i]));
  // Installing a filter needs CAP_SYS_ADMIN or no_new_privs: the threads still have amber's privileges.
  restoreSeccomp(task, checkpoint.seccomp);
  task.task.threads.forEach((thread, i) => {
    const remote = remotes[i];
    const core = thread.core;
    if (core?.credentials !== undefined) restoreCredentials(remote, task.scratch, core.credentials);
    // Changing uids or gids cleared it (kernel/cred.c, commit_creds).
    if (core?.parentDeathSignal !== undefined) remote.check('setting its parent-death signal', Syscall.Prctl, PR_SET_PDEATHSIG, BigInt(core.parentDeathSignal));
  });
  // The uid change also reset it to the fs.suid_dumpable sysctl.
  const dumpable = task.task.memory?.dumpable;
  if (dumpable !== undefined) task.main.check('setting whether it is dumpable again', Syscall.Prctl, PR_SET_DUMPABLE, BigInt(dumpable));
}
