/*
 * Identity and limits, for restore tests. The program (root) becomes a
 * child subreaper and forks a child that sets up, with raw syscalls that act
 * on the calling thread only:
 *   - in a second thread: groups {3000}, gids 1002, uids 1001 (no
 *     capabilities left), nice 7, its own name;
 *   - in its main thread: umask 027, ADDR_NO_RANDOMIZE, nice 5 under
 *     SCHED_BATCH, RLIMIT_NOFILE 100/200, CAP_SYS_MODULE out of the bounding
 *     set, groups {1000, 2000}, gids and uids 1000 with CAP_NET_BIND_SERVICE
 *     kept inheritable, permitted, effective and ambient (SECBIT_KEEP_CAPS),
 *     no_new_privs, SIGKILL as parent-death signal, dumpable again.
 * On the check signal each thread of the child checks its own state with
 * getres*id, getgroups, capget, prctl, getpriority, sched_getscheduler...,
 * and the parent its subreaper flag and the child's verdict.
 */
#include "amber-checked-thread.h"
#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sched.h>
#include <stdint.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define CHILD_NAME "ident-child"
#define THREAD_NAME "ident-thread"
#define KEPT_CAPABILITY CAP_NET_BIND_SERVICE
#define DROPPED_BOUND CAP_SYS_MODULE

static char failure[256];

#define WRONG(...) (snprintf(failure, sizeof failure, __VA_ARGS__), failure)

static void must(long result, const char *what) {
  if (result != 0) test_fail("%s: errno %d", what, errno);
}

static const char *check_ids(uid_t uid, gid_t gid) {
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  if (syscall(SYS_getresuid, &ruid, &euid, &suid) != 0 || syscall(SYS_getresgid, &rgid, &egid, &sgid) != 0) return "getres*id failed";
  if (ruid != uid || euid != uid || suid != uid) return WRONG("uids %u %u %u, not %u", ruid, euid, suid, uid);
  if (rgid != gid || egid != gid || sgid != gid) return WRONG("gids %u %u %u, not %u", rgid, egid, sgid, gid);
  /* An id that is not valid changes nothing and returns the filesystem id. */
  long fsuid = syscall(SYS_setfsuid, -1), fsgid = syscall(SYS_setfsgid, -1);
  if (fsuid != uid || fsgid != gid) return WRONG("filesystem ids %ld %ld", fsuid, fsgid);
  return NULL;
}

static const char *check_groups(int count, const gid_t *expected) {
  gid_t groups[8];
  long got = syscall(SYS_getgroups, 8, groups);
  if (got != count) return WRONG("%ld supplementary groups, not %d", got, count);
  for (int i = 0; i < count; i++)
    if (groups[i] != expected[i]) return WRONG("group %d is %u, not %u", i, groups[i], expected[i]);
  return NULL;
}

static void set_capabilities(uint32_t set) {
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = { { set, set, set }, { 0, 0, 0 } };
  must(syscall(SYS_capset, &header, data), "capset");
}

static const char *check_capabilities(uint32_t set) {
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &header, data) != 0) return "capget failed";
  if (data[0].effective != set || data[0].permitted != set || data[0].inheritable != set) {
    return WRONG("capabilities %x/%x/%x, not %x", data[0].effective, data[0].permitted, data[0].inheritable, set);
  }
  if (data[1].effective != 0 || data[1].permitted != 0 || data[1].inheritable != 0) return "high capabilities are set";
  return NULL;
}

static const char *check_name(const char *expected) {
  char name[16] = "";
  prctl(PR_GET_NAME, name);
  return strcmp(name, expected) == 0 ? NULL : WRONG("name \"%s\"", name);
}

static void thread_setup(void) {
  gid_t groups[] = { 3000 };
  must(setpriority(PRIO_PROCESS, 0, 7), "setpriority");
  must(prctl(PR_SET_NAME, THREAD_NAME), "PR_SET_NAME");
  must(syscall(SYS_setgroups, 1, groups), "setgroups");
  must(syscall(SYS_setresgid, 1002, 1002, 1002), "setresgid");
  must(syscall(SYS_setresuid, 1001, 1001, 1001), "setresuid");
}

static const char *thread_check(void) {
  gid_t groups[] = { 3000 };
  const char *wrong;
  if ((wrong = check_ids(1001, 1002)) != NULL || (wrong = check_groups(1, groups)) != NULL) return wrong;
  if ((wrong = check_capabilities(0)) != NULL || (wrong = check_name(THREAD_NAME)) != NULL) return wrong;
  if (prctl(PR_CAPBSET_READ, DROPPED_BOUND) != 1) return "its bounding set lost what only the main thread dropped";
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0) return "no_new_privs is set";
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  if (nice != 7 || errno != 0) return WRONG("nice %d", nice);
  if (sched_getscheduler(0) != SCHED_OTHER) return WRONG("policy %d", sched_getscheduler(0));
  return NULL;
}

static struct checked_thread other = { .name = "other", .setup = thread_setup, .check = thread_check };

static void child_setup(void) {
  gid_t groups[] = { 1000, 2000 };
  struct sched_param param = { 0 };
  struct rlimit files = { 100, 200 };
  umask(027);
  if (personality(ADDR_NO_RANDOMIZE) < 0) test_fail("personality");
  must(prctl(PR_SET_NAME, CHILD_NAME), "PR_SET_NAME");
  must(setpriority(PRIO_PROCESS, 0, 5), "setpriority");
  must(sched_setscheduler(0, SCHED_BATCH, &param), "sched_setscheduler");
  must(setrlimit(RLIMIT_NOFILE, &files), "setrlimit");
  must(prctl(PR_CAPBSET_DROP, DROPPED_BOUND), "PR_CAPBSET_DROP");
  must(prctl(PR_SET_KEEPCAPS, 1), "PR_SET_KEEPCAPS");
  must(syscall(SYS_setgroups, 2, groups), "setgroups");
  must(syscall(SYS_setresgid, 1000, 1000, 1000), "setresgid");
  must(syscall(SYS_setresuid, 1000, 1000, 1000), "setresuid");
  set_capabilities(1u << KEPT_CAPABILITY);
  must(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, KEPT_CAPABILITY, 0, 0), "PR_CAP_AMBIENT_RAISE");
  must(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "PR_SET_NO_NEW_PRIVS");
  /* After the uid change, which clears both. */
  must(prctl(PR_SET_PDEATHSIG, SIGKILL), "PR_SET_PDEATHSIG");
  must(prctl(PR_SET_DUMPABLE, 1), "PR_SET_DUMPABLE");
}

static const char *child_check(void) {
  gid_t groups[] = { 1000, 2000 };
  const char *wrong;
  if ((wrong = check_ids(1000, 1000)) != NULL || (wrong = check_groups(2, groups)) != NULL) return wrong;
  if ((wrong = check_capabilities(1u << KEPT_CAPABILITY)) != NULL || (wrong = check_name(CHILD_NAME)) != NULL) return wrong;
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, KEPT_CAPABILITY, 0, 0) != 1) return "the capability is not ambient";
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0) != 0) return "CAP_CHOWN is ambient";
  if (prctl(PR_CAPBSET_READ, DROPPED_BOUND) != 0 || prctl(PR_CAPBSET_READ, KEPT_CAPABILITY) != 1) return "wrong bounding set";
  if (prctl(PR_GET_SECUREBITS) != SECBIT_KEEP_CAPS || prctl(PR_GET_KEEPCAPS) != 1) return WRONG("securebits %#x", prctl(PR_GET_SECUREBITS));
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) return "no_new_privs is not set";
  int signal = 0;
  if (prctl(PR_GET_PDEATHSIG, &signal) != 0 || signal != SIGKILL) return WRONG("parent-death signal %d", signal);
  if (prctl(PR_GET_DUMPABLE) != 1) return "not dumpable";
  mode_t mask = umask(0);
  if (mask != 027) return WRONG("umask %o", mask);
  if ((personality(0xffffffff) & ADDR_NO_RANDOMIZE) == 0) return WRONG("personality %#x", personality(0xffffffff));
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  if (nice != 5 || errno != 0) return WRONG("nice %d", nice);
  if (sched_getscheduler(0) != SCHED_BATCH) return WRONG("policy %d", sched_getscheduler(0));
  struct rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur != 100 || files.rlim_max != 200) {
    return WRONG("RLIMIT_NOFILE %lu/%lu", (unsigned long)files.rlim_cur, (unsigned long)files.rlim_max);
  }
  return NULL;
}

static void run_child(int ready_fd, pid_t parent) {
  start_checked_thread(&other);
  child_setup();
  if (getppid() != parent) _exit(1);
  if (write(ready_fd, "r", 1) != 1) test_fail("child: write");
  close(ready_fd);
  test_wait_check();
  run_thread_check(&other);
  const char *wrong = child_check();
  if (wrong != NULL) test_fail("child: %s", wrong);
  exit(0);
}

int main(void) {
  must(prctl(PR_SET_CHILD_SUBREAPER, 1), "PR_SET_CHILD_SUBREAPER");
  int ready[2];
  if (pipe(ready) != 0) test_fail("pipe");
  pid_t parent = getpid();
  pid_t child = fork();
  if (child < 0) test_fail("fork");
  if (child == 0) {
    close(ready[0]);
    run_child(ready[1], parent);
  }
  close(ready[1]);
  char byte;
  if (read(ready[0], &byte, 1) != 1) test_fail("the child did not set up");
  close(ready[0]);
  printf("INFO child=%d\n", child);
  test_ready();
  test_wait_check();
  if (kill(child, CHECK_SIGNAL) != 0) test_fail("kill child");
  int status;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) test_fail("the child failed its check (status %#x)", status);
  int subreaper = 0;
  if (prctl(PR_GET_CHILD_SUBREAPER, &subreaper) != 0 || subreaper != 1) test_fail("not a child subreaper");
  test_pass();
}
