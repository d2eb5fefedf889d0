/*
 * Two processes sharing a pipe and two regular files, for dump tests. The
 * parent fills the pipe with a known line nobody reads, opens a file with
 * O_APPEND and one read-write at a set position, then forks; the child
 * inherits all of it and sleeps. On the check signal the parent verifies
 * that the pipe still holds the line and the positions are unchanged.
 */
#include "amber-test.h"
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#define PIPE_LINE "unread line in the shared pipe\n"
#define APPEND_TEXT "0123456789\n"
#define POSITION 1234

static void write_all(int fd, const char *text, size_t length) {
  if (write(fd, text, length) != (ssize_t)length) test_fail("write");
}

int main(int argc, char **argv) {
  if (argc != 2) test_fail("usage: dump-tree DIR");
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) test_fail("pipe");
  write_all(pipe_fds[1], PIPE_LINE, strlen(PIPE_LINE));
  char path[4096];
  snprintf(path, sizeof path, "%s/append.txt", argv[1]);
  int append_fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (append_fd < 0) test_fail("open %s", path);
  write_all(append_fd, APPEND_TEXT, strlen(APPEND_TEXT));
  snprintf(path, sizeof path, "%s/data.bin", argv[1]);
  int data_fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (data_fd < 0) test_fail("open %s", path);
  static char zeros[4000];
  write_all(data_fd, zeros, sizeof zeros);
  if (lseek(data_fd, POSITION, SEEK_SET) != POSITION) test_fail("lseek");
  pid_t child = fork();
  if (child < 0) test_fail("fork");
  if (child == 0) {
    /* Killing the parent by pid must not leave the child behind. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() == 1) _exit(1);
    for (;;) pause();
  }
  printf("INFO child=%d\n", child);
  printf("INFO pipe_read=%d\n", pipe_fds[0]);
  printf("INFO pipe_write=%d\n", pipe_fds[1]);
  printf("INFO append=%d\n", append_fd);
  printf("INFO data=%d\n", data_fd);
  test_ready();
  test_wait_check();
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  if (lseek(data_fd, 0, SEEK_CUR) != POSITION) test_fail("data position moved");
  if (lseek(append_fd, 0, SEEK_CUR) != (off_t)strlen(APPEND_TEXT)) test_fail("append position moved");
  if (fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK) != 0) test_fail("fcntl");
  char buffer[256];
  ssize_t got = read(pipe_fds[0], buffer, sizeof buffer);
  if (got != (ssize_t)strlen(PIPE_LINE) || memcmp(buffer, PIPE_LINE, got) != 0) test_fail("pipe holds %zd bytes, not the line", got);
  test_pass();
}
