/* Keeps an exited child unreaped (INFO zombie=PID) until asked to check itself. */
#include "amber-test.h"

#include <sys/wait.h>

int main(void) {
  pid_t child = fork();
  if (child < 0) test_fail("fork");
  if (child == 0) _exit(7);
  printf("INFO zombie=%d\n", child);
  test_ready();
  test_wait_check();
  int status;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 7) test_fail("child status %#x", status);
  test_pass();
}
