/*
 * Seccomp strict mode, for restore tests: from READY on the program may only
 * read, write, _exit and return from signal handlers. It waits in a read
 * from a pipe nobody writes to; the check signal interrupts it, and the
 * program says PASS and ends with _exit. Any other syscall would kill it.
 */
#include "amber-test.h"
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define PASS_LINE "PASS\n"

int main(void) {
  int never_written[2];
  if (pipe(never_written) != 0) test_fail("pipe");
  /* test_ready() would call getpid(), which strict mode forbids. */
  char ready[32];
  int length = snprintf(ready, sizeof ready, "READY %d\n", getpid());
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0) test_fail("PR_SET_SECCOMP");
  if (write(STDOUT_FILENO, ready, length) != length) syscall(SYS_exit, 1);
  char byte;
  while (!check_requested) {
    if (read(never_written[0], &byte, 1) >= 0) syscall(SYS_exit, 1);
  }
  ssize_t written = write(STDOUT_FILENO, PASS_LINE, strlen(PASS_LINE));
  syscall(SYS_exit, written == (ssize_t)strlen(PASS_LINE) ? 0 : 1);
}
