/*
 * A parent inside vfork(2): its child says READY on the parent's behalf and
 * waits for the check signal (sent to the child, whose pid it reports),
 * then exits 0 without touching the memory it shares with the parent. The
 * parent, running again, checks the child's exit status.
 */
#include "amber-test.h"
#include <sys/wait.h>

int main(void) {
  pid_t parent = getpid();
  pid_t child = vfork();
  if (child < 0) test_fail("vfork");
  if (child == 0) {
    /* Only async-signal-safe calls here: the child runs on the parent's memory. */
    dprintf(STDOUT_FILENO, "INFO child=%d\nREADY %d\n", getpid(), parent);
    test_wait_check();
    _exit(0);
  }
  int status;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) test_fail("the child ended with status %#x", status);
  test_pass();
}
