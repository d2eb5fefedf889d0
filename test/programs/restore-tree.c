/*
 * Restore test: a parent and a child sharing a pipe that holds unread data,
 * an empty pipe whose buffer was grown (F_SETPIPE_SZ), and a regular file
 * open at a position. On the check signal the parent verifies the
 * position, the pipe's data, the empty pipe's size, and that its child is
 * still its child, in its process group.
 */
#include "amber-test.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>

#define MESSAGE "unread data in the pipe\n"
#define POSITION 37
#define GROWN_PIPE_SIZE (256 * 1024)

int main(int argc, char **argv) {
  if (argc != 2) test_fail("usage: restore-tree FILE");
  int file = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (file < 0) test_fail("open %s", argv[1]);
  char text[100];
  memset(text, 'x', sizeof text);
  if (write(file, text, sizeof text) != sizeof text || lseek(file, POSITION, SEEK_SET) != POSITION) test_fail("file setup");
  int ends[2];
  if (pipe(ends) != 0) test_fail("pipe");
  int empty[2];
  if (pipe(empty) != 0) test_fail("pipe");
  if (fcntl(empty[1], F_SETPIPE_SZ, GROWN_PIPE_SIZE) != GROWN_PIPE_SIZE) test_fail("F_SETPIPE_SZ");
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
  int size = fcntl(empty[0], F_GETPIPE_SZ);
  if (size != GROWN_PIPE_SIZE) test_fail("the empty pipe's buffer is %d bytes, not %d", size, GROWN_PIPE_SIZE);
  fcntl(empty[0], F_SETFL, O_NONBLOCK);
  if (read(empty[0], data, sizeof data) != -1 || errno != EAGAIN) test_fail("the empty pipe is not empty");
  if (test_stat_field(child, 4) != getpid()) test_fail("child %d has parent %d", child, test_stat_field(child, 4));
  if (getpgid(child) != getpgid(0)) test_fail("child %d is in group %d", child, getpgid(child));
  kill(child, SIGKILL);
  if (waitpid(child, NULL, 0) != child) test_fail("could not reap child %d", child);
  test_pass();
}
