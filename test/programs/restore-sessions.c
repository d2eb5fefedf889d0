/*
 * Restore test: sessions, process groups and a zombie. The root leads its
 * session; child "group" leads its own process group; child "middle" has a
 * grandchild that leads a second session; child "zombie" exited with 42 and
 * was never reaped. On the check signal the root verifies all of that.
 */
#include "amber-test.h"
#include <sys/wait.h>

static pid_t spawn(void (*body)(void)) {
  pid_t pid = fork();
  if (pid < 0) test_fail("fork");
  if (pid == 0) {
    body();
    for (;;) pause();
  }
  return pid;
}

static void own_group(void) { setpgid(0, 0); }
static void own_session(void) { setsid(); }
/* The middle child tells the parent its child's pid through this pipe, so the parent says it before READY. */
static int grandchild_pipe[2];
static void with_grandchild(void) {
  pid_t pid = spawn(own_session);
  if (write(grandchild_pipe[1], &pid, sizeof pid) != sizeof pid) test_fail("write grandchild pid");
  close(grandchild_pipe[0]);
  close(grandchild_pipe[1]);
}
static void exit_42(void) { _exit(42); }

int main(void) {
  if (pipe(grandchild_pipe) != 0) test_fail("pipe");
  pid_t group = spawn(own_group);
  pid_t middle = spawn(with_grandchild);
  pid_t grandchild;
  if (read(grandchild_pipe[0], &grandchild, sizeof grandchild) != sizeof grandchild) test_fail("read grandchild pid");
  close(grandchild_pipe[0]);
  close(grandchild_pipe[1]);
  printf("INFO grandchild=%d\n", grandchild);
  pid_t zombie = spawn(exit_42);
  printf("INFO group=%d\nINFO middle=%d\nINFO zombie=%d\n", group, middle, zombie);
  while (test_stat_field(zombie, 3) != 0 && test_stat_field(group, 5) != group) usleep(1000);
  siginfo_t info;
  do waitid(P_PID, zombie, &info, WEXITED | WNOWAIT); while (info.si_pid != zombie);
  test_ready();
  test_wait_check();
  if (test_stat_field(group, 5) != group) test_fail("group %d is in group %d", group, test_stat_field(group, 5));
  if (test_stat_field(middle, 5) != getpid()) test_fail("middle %d is in group %d", middle, test_stat_field(middle, 5));
  if (test_stat_field(middle, 4) != getpid()) test_fail("middle %d has parent %d", middle, test_stat_field(middle, 4));
  int status = 0;
  if (waitpid(zombie, &status, WNOHANG) != zombie || !WIFEXITED(status) || WEXITSTATUS(status) != 42) test_fail("zombie %d: status %d", zombie, status);
  kill(group, SIGKILL);
  kill(middle, SIGKILL);
  test_pass();
}
