/*
 * File locks for dump -> kill -> restore, on two files in the directory
 * given as argument:
 *   - "whole": an exclusive flock(2) taken by the parent on a description
 *     its child inherits;
 *   - "records": the parent's POSIX write lock on bytes 10-19 and read lock
 *     from byte 100 to the end, and an OFD write lock on bytes 0-4 through a
 *     second open of the file.
 * On the check signal the parent starts a fresh process that must find
 * each lock held by the right owner and every other byte free.
 */
#include "amber-test.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>

static void lock_range(int fd, int command, short type, off_t start, off_t length) {
  struct flock lock = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = length };
  if (fcntl(fd, command, &lock) != 0) test_fail("fcntl lock %ld+%ld: %s", (long)start, (long)length, strerror(errno));
}

/* Who holds a lock conflicting with a write lock on the range: a pid, -1 for an OFD lock, 0 for nobody. */
static pid_t holder(int fd, int command, off_t start, off_t length, short *type) {
  struct flock probe = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = length };
  if (fcntl(fd, command, &probe) != 0) test_fail("fcntl probe: %s", strerror(errno));
  *type = probe.l_type;
  return probe.l_type == F_UNLCK ? 0 : probe.l_pid;
}

/* Run in a new process: exit status 0 when every lock is where it should be. */
static int check_from_outside(pid_t owner) {
  int whole = open("whole", O_RDWR);
  int records = open("records", O_RDWR);
  if (whole < 0 || records < 0) return 10;
  if (flock(whole, LOCK_SH | LOCK_NB) == 0 || errno != EWOULDBLOCK) return 11;
  short type;
  if (holder(records, F_GETLK, 10, 10, &type) != owner || type != F_WRLCK) return 12;
  if (holder(records, F_GETLK, 100, 1, &type) != owner || type != F_RDLCK) return 13;
  if (holder(records, F_GETLK, 1000000, 1, &type) != owner || type != F_RDLCK) return 14;
  if (holder(records, F_OFD_GETLK, 0, 5, &type) != -1 || type != F_WRLCK) return 15;
  if (holder(records, F_GETLK, 5, 5, &type) != 0 || holder(records, F_GETLK, 20, 80, &type) != 0) return 16;
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2 || chdir(argv[1]) != 0) test_fail("usage: restore-file-locks DIR");
  int whole = open("whole", O_RDWR | O_CREAT, 0600);
  int records = open("records", O_RDWR | O_CREAT, 0600);
  int ofd = open("records", O_RDWR);
  if (whole < 0 || records < 0 || ofd < 0) test_fail("open");
  if (flock(whole, LOCK_EX | LOCK_NB) != 0) test_fail("flock");
  lock_range(records, F_SETLK, F_WRLCK, 10, 10);
  lock_range(records, F_SETLK, F_RDLCK, 100, 0);
  lock_range(ofd, F_OFD_SETLK, F_WRLCK, 0, 5);
  pid_t child = fork();
  if (child < 0) test_fail("fork");
  if (child == 0) {
    for (;;) pause();
  }
  printf("INFO child=%d\n", child);
  printf("INFO whole=%d\n", whole);
  test_ready();
  test_wait_check();

  pid_t checker = fork();
  if (checker < 0) test_fail("fork checker");
  if (checker == 0) _exit(check_from_outside(getppid()));
  int status;
  if (waitpid(checker, &status, 0) != checker || !WIFEXITED(status)) test_fail("checker died");
  if (WEXITSTATUS(status) != 0) test_fail("check %d found a lock missing or misplaced", WEXITSTATUS(status));
  kill(child, SIGKILL);
  test_pass();
}
