/*
 * Seccomp strict mode, for restore tests: from READY on the program may only
 * read, write, _exit and return from signal handlers. It waits in a read
 * from a pipe that only its check signal's handler writes to, so that a
 * request is seen even when it comes just before the read (as it can right
 * after a restore, where the read starts again), then says PASS and ends
 * with _exit. Any other syscall would kill it.
 */
#include "amber-test.h"
#include <errno.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define PASS_LINE "PASS\n"

static int wake_up[2];

static void on_check(int signal) {
  (void)signal;
  check_requested = 1;
  if (write(wake_up[1], "!", 1) != 1) syscall(SYS_exit, 1);
}

int main(void) {
  if (pipe(wake_up) != 0) test_fail("pipe");
  struct sigaction action = { .sa_handler = on_check };
  if (sigaction(CHECK_SIGNAL, &action, NULL) != 0) test_fail("sigaction");
  /* test_ready() would call getpid(), which strict mode forbids. */
  char ready[32];
  int length = snprintf(ready, sizeof ready, "READY %d\n", getpid());
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0) test_fail("PR_SET_SECCOMP");
  if (write(STDOUT_FILENO, ready, length) != length) syscall(SYS_exit, 1);
  char byte;
  while (!check_requested) {
    if (read(wake_up[0], &byte, 1) < 0 && errno != EINTR) syscall(SYS_exit, 1);
  }
  ssize_t written = write(STDOUT_FILENO, PASS_LINE, strlen(PASS_LINE));
  syscall(SYS_exit, written == (ssize_t)strlen(PASS_LINE) ? 0 : 1);
}
