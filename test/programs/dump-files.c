/*
 * Files for dump tests, all in the directory given as argument, which also
 * becomes the working directory: a FIFO opened read-write holding unread
 * data, a file unlinked while open (fd dup'd to 20) and a close-on-exec
 * file opened by a relative path. On the check signal the program verifies
 * the FIFO data, the unlinked file's contents and the positions.
 */
#include "amber-test.h"
#include <fcntl.h>
#include <sys/stat.h>

#define FIFO_DATA "unread data in the fifo\n"
#define GHOST_TEXT "this file was unlinked while still open\n"
#define GHOST_POSITION 7

int main(int argc, char **argv) {
  if (argc != 2 || chdir(argv[1]) != 0) test_fail("usage: dump-files DIR");
  if (mkfifo("fifo", 0600) != 0) test_fail("mkfifo");
  int fifo = open("fifo", O_RDWR);
  if (fifo < 0 || write(fifo, FIFO_DATA, strlen(FIFO_DATA)) != (ssize_t)strlen(FIFO_DATA)) test_fail("fifo");
  int ghost = open("ghost.txt", O_RDWR | O_CREAT, 0640);
  if (ghost < 0 || write(ghost, GHOST_TEXT, strlen(GHOST_TEXT)) != (ssize_t)strlen(GHOST_TEXT)) test_fail("ghost");
  if (unlink("ghost.txt") != 0 || lseek(ghost, GHOST_POSITION, SEEK_SET) != GHOST_POSITION) test_fail("unlink");
  if (dup2(ghost, 20) != 20) test_fail("dup2");
  int relative = open("fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (relative < 0) test_fail("open relative");
  printf("INFO fifo=%d\n", fifo);
  printf("INFO ghost=%d\n", ghost);
  printf("INFO relative=%d\n", relative);
  test_ready();
  test_wait_check();
  if (lseek(20, 0, SEEK_CUR) != GHOST_POSITION) test_fail("ghost position moved");
  char buffer[128];
  ssize_t got = pread(ghost, buffer, sizeof buffer, 0);
  if (got != (ssize_t)strlen(GHOST_TEXT) || memcmp(buffer, GHOST_TEXT, got) != 0) test_fail("ghost contents changed");
  got = read(relative, buffer, sizeof buffer);
  if (got != (ssize_t)strlen(FIFO_DATA) || memcmp(buffer, FIFO_DATA, got) != 0) test_fail("fifo holds %zd bytes, not the data", got);
  test_pass();
}
