/*
 * Restore test: a parent and a child sharing a pipe that holds unread data,
 * and a regular file open at a position. On the check signal the parent
 * verifies the position, the pipe's data, and that its child is still its
 * child, in its process group.
 */
#include "amber-test.h"
#include <fcntl.h>
#include <sys/wait.h>

#define MESSAGE "unread data in the pipe\n"
#define POSITION 37

int main(int argc, char **argv) {
  if (argc != 2) test_fail("usage: restore-tree FILE");
  int file = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (file < 0) test_fail("open %s", argv[1]);
  char text[100];
  memset(text, 'x', sizeof text);
  if (write(file, text, sizeof text) != sizeof text || lseek(file, POSITION, SEEK_SET) != POSITION) test_fail("file setup");
  int ends[2];
  if (pipe(ends) != 0) test_fail("pipe");
  pid_t child = fork();
  if (child < 0) test_fail("fork");
  if (child == 0) {
    for (;;) pause();
  }
  if (write(ends[1], MESSAGE, strlen(MESSAGE)) != (ssize_t)strlen(MESSAGE)) test_fail("pipe write");
  printf("INFO child=%d\n", child);
  printf("INFO file=%d\n", file);
  test_ready();
  test_wait_check();
  off_t position = lseek(file, 0, SEEK_CUR);
  if (position != POSITION) test_fail("the file position is %lld", (long long)position);
  char data[64] = { 0 };
  fcntl(ends[0], F_SETFL, O_NONBLOCK);
  ssize_t got = read(ends[0], data, sizeof data - 1);
  if (got != (ssize_t)strlen(MESSAGE) || strcmp(data, MESSAGE) != 0) test_fail("the pipe held %zd bytes: '%s'", got, data);
  if (test_stat_field(child, 4) != getpid()) test_fail("child %d has parent %d", child, test_stat_field(child, 4));
  if (getpgid(child) != getpgid(0)) test_fail("child %d is in group %d", child, getpgid(child));
  kill(child, SIGKILL);
  if (waitpid(child, NULL, 0) != child) test_fail("could not reap child %d", child);
  test_pass();
}
