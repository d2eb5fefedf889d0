/*
 * Seccomp filters, for restore tests. With no_new_privs, the main thread
 * installs a filter that makes getppid() fail with EPERM, then starts
 * thread "other", which adds a filter that kills on swapon() (never called)
 * and one that makes getpgrp() fail with EACCES. The main thread then adds
 * one that kills on swapoff() (never called) and starts thread "twin",
 * which inherits the main thread's chain. On the check signal each thread
 * checks what its filters do and counts them in its /proc status.
 */
#include "amber-checked-thread.h"
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>

static char failure[256];

#define WRONG(...) (snprintf(failure, sizeof failure, __VA_ARGS__), failure)

/* A filter that answers `action` to syscall `nr` and allows every other one. */
static void install_filter(int nr, unsigned int action) {
  struct sock_filter program[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, action),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog fprog = { sizeof program / sizeof program[0], program };
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0) test_fail("seccomp: errno %d", errno);
}

/* Seccomp_filters of the calling thread's /proc status. */
static int filter_count(void) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/self/task/%ld/status", (long)syscall(SYS_gettid));
  FILE *status = fopen(path, "r");
  if (status == NULL) return -1;
  int count = -1;
  while (fgets(line, sizeof line, status) != NULL) sscanf(line, "Seccomp_filters: %d", &count);
  fclose(status);
  return count;
}

static const char *check_filters(int count, int pgrp_errno) {
  errno = 0;
  long ppid = syscall(SYS_getppid);
  if (ppid != -1 || errno != EPERM) return WRONG("getppid gave %ld, errno %d", ppid, errno);
  errno = 0;
  long pgrp = syscall(SYS_getpgrp);
  if (pgrp_errno != 0 && (pgrp != -1 || errno != pgrp_errno)) return WRONG("getpgrp gave %ld, errno %d", pgrp, errno);
  if (pgrp_errno == 0 && pgrp != getpid()) return WRONG("getpgrp gave %ld, errno %d", pgrp, errno);
  if (filter_count() != count) return WRONG("%d seccomp filters, not %d", filter_count(), count);
  return NULL;
}

static void other_setup(void) {
  install_filter(SYS_swapon, SECCOMP_RET_KILL_PROCESS);
  install_filter(SYS_getpgrp, SECCOMP_RET_ERRNO | EACCES);
}

static const char *other_check(void) {
  return check_filters(3, EACCES);
}

static void twin_setup(void) {}

static const char *twin_check(void) {
  return check_filters(2, 0);
}

static struct checked_thread other = { .name = "other", .setup = other_setup, .check = other_check };
static struct checked_thread twin = { .name = "twin", .setup = twin_setup, .check = twin_check };

int main(void) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) test_fail("PR_SET_NO_NEW_PRIVS");
  install_filter(SYS_getppid, SECCOMP_RET_ERRNO | EPERM);
  start_checked_thread(&other);
  install_filter(SYS_swapoff, SECCOMP_RET_KILL_PROCESS);
  start_checked_thread(&twin);
  test_ready();
  test_wait_check();
  run_thread_check(&other);
  run_thread_check(&twin);
  const char *wrong = check_filters(2, 0);
  if (wrong != NULL) test_fail("main thread: %s", wrong);
  test_pass();
}
