/*
 * Restore test: in the directory given as argument, a FIFO opened
 * read-write holding unread data, with a non-blocking reader end kept by
 * the parent and a writer end kept by its child; and in its subdirectory
 * "ghosts" a file unlinked while open at a position, dup'd to fd 20 and
 * inherited by the child; and an empty FIFO whose buffer the parent grew.
 * On the check signal the parent lets the child write through its FIFO end
 * and its ghost fd, then verifies the FIFO's data, the empty FIFO's size,
 * the ghost's access and modification times (checked before the
 * child writes), contents, position, mode and /proc name, and that both
 * processes still share one ghost description.
 */
#include "amber-test.h"
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define FIFO_DATA "unread data in the fifo\n"
#define EMPTY_FIFO_SIZE (128 * 1024)
#define CHILD_DATA "written by the child\n"
#define GHOST_TEXT "this file was unlinked while still open\n"
#define GHOST_MODE 0640
#define GHOST_POSITION 7
#define CHILD_WRITE "XY"
#define PARENT_WRITE "Z"
#define GHOST_DUP 20
/* Times set on the ghost before the dump; the image keeps microseconds. */
static const struct timespec GHOST_TIMES[2] = { { 1000000000, 123456000 }, { 1200000000, 654321000 } };

static void write_all(int fd, const char *text, const char *what) {
  if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) test_fail("writing %s", what);
}

/* The child: on its own check signal, writes through its FIFO end and its inherited ghost fd. */
static void run_child(int writer) {
  test_wait_check();
  write_all(writer, CHILD_DATA, "to the fifo from the child");
  write_all(GHOST_DUP, CHILD_WRITE, "the ghost from the child");
  exit(0);
}

static void check_ghost_times(int ghost) {
  struct stat status;
  if (fstat(ghost, &status) != 0) test_fail("fstat ghost");
  if (status.st_atim.tv_sec != GHOST_TIMES[0].tv_sec || status.st_atim.tv_nsec != GHOST_TIMES[0].tv_nsec) test_fail("the ghost's access time is %lld.%09ld", (long long)status.st_atim.tv_sec, status.st_atim.tv_nsec);
  if (status.st_mtim.tv_sec != GHOST_TIMES[1].tv_sec || status.st_mtim.tv_nsec != GHOST_TIMES[1].tv_nsec) test_fail("the ghost's modification time is %lld.%09ld", (long long)status.st_mtim.tv_sec, status.st_mtim.tv_nsec);
}

static void check_ghost(int ghost, const char *expected_name) {
  char link[PATH_MAX + 1], proc_path[64];
  snprintf(proc_path, sizeof proc_path, "/proc/self/fd/%d", ghost);
  ssize_t length = readlink(proc_path, link, PATH_MAX);
  if (length < 0) test_fail("readlink %s", proc_path);
  link[length] = '\0';
  if (strcmp(link, expected_name) != 0) test_fail("the ghost is '%s', not '%s'", link, expected_name);
  struct stat status;
  if (fstat(ghost, &status) != 0 || status.st_nlink != 0 || (status.st_mode & 07777) != GHOST_MODE) test_fail("the ghost has mode %o and %ld links", status.st_mode, (long)status.st_nlink);
  /* The child wrote at the shared position; each write moves it for every fd of the description. */
  off_t position = lseek(ghost, 0, SEEK_CUR);
  if (position != GHOST_POSITION + (off_t)strlen(CHILD_WRITE)) test_fail("the ghost's position is %lld after the child's write", (long long)position);
  write_all(ghost, PARENT_WRITE, "the ghost from the parent");
  if (lseek(GHOST_DUP, 0, SEEK_CUR) != position + (off_t)strlen(PARENT_WRITE)) test_fail("fd %d does not share the ghost's position", GHOST_DUP);
  char expected[sizeof GHOST_TEXT], contents[sizeof GHOST_TEXT];
  memcpy(expected, GHOST_TEXT, sizeof GHOST_TEXT);
  memcpy(expected + GHOST_POSITION, CHILD_WRITE PARENT_WRITE, strlen(CHILD_WRITE PARENT_WRITE));
  ssize_t got = pread(GHOST_DUP, contents, sizeof contents, 0);
  if (got != (ssize_t)strlen(GHOST_TEXT) || memcmp(contents, expected, got) != 0) test_fail("the ghost holds %zd bytes: '%.*s'", got, (int)got, contents);
}

/* A FIFO nothing was written to keeps the buffer size it was given. */
static void check_empty_fifo(int fifo) {
  int size = fcntl(fifo, F_GETPIPE_SZ);
  if (size != EMPTY_FIFO_SIZE) test_fail("the empty fifo's buffer is %d bytes, not %d", size, EMPTY_FIFO_SIZE);
}

static void check_fifo(int reader) {
  int flags = fcntl(reader, F_GETFL);
  if ((flags & (O_ACCMODE | O_NONBLOCK)) != (O_RDONLY | O_NONBLOCK)) test_fail("the reader's flags are %#x", flags);
  char data[128] = { 0 };
  ssize_t got = read(reader, data, sizeof data - 1);
  if (got < 0 || strcmp(data, FIFO_DATA CHILD_DATA) != 0) test_fail("the fifo held %zd bytes: '%s'", got, data);
}

int main(int argc, char **argv) {
  if (argc != 2 || chdir(argv[1]) != 0) test_fail("usage: restore-files DIR");
  if (mkfifo("fifo", 0600) != 0 || mkdir("ghosts", 0700) != 0) test_fail("mkfifo, mkdir");
  int fifo = open("fifo", O_RDWR);
  if (fifo < 0) test_fail("open fifo");
  write_all(fifo, FIFO_DATA, "to the fifo");
  int writer = open("fifo", O_WRONLY);
  if (writer < 0) test_fail("fifo writer");
  int ghost = open("ghosts/ghost.txt", O_RDWR | O_CREAT, GHOST_MODE);
  if (ghost < 0) test_fail("open ghost");
  write_all(ghost, GHOST_TEXT, "the ghost");
  char expected_name[PATH_MAX];
  if (realpath("ghosts/ghost.txt", expected_name) == NULL) test_fail("realpath");
  strcat(expected_name, " (deleted)");
  if (futimens(ghost, GHOST_TIMES) != 0) test_fail("futimens");
  if (unlink("ghosts/ghost.txt") != 0 || lseek(ghost, GHOST_POSITION, SEEK_SET) != GHOST_POSITION) test_fail("unlink");
  if (dup2(ghost, GHOST_DUP) != GHOST_DUP) test_fail("dup2");
  pid_t child = fork();
  if (child < 0) test_fail("fork");
  if (child == 0) run_child(writer);
  /* The parent changes its fds only after the fork: the child's are all set once it exists. */
  close(writer);
  int reader = open("fifo", O_RDONLY | O_NONBLOCK);
  if (reader < 0) test_fail("fifo reader");
  if (mkfifo("empty-fifo", 0600) != 0) test_fail("mkfifo empty-fifo");
  int empty = open("empty-fifo", O_RDWR);
  if (empty < 0 || fcntl(empty, F_SETPIPE_SZ, EMPTY_FIFO_SIZE) != EMPTY_FIFO_SIZE) test_fail("empty fifo");
  printf("INFO child=%d\n", child);
  printf("INFO fifo=%d\n", fifo);
  printf("INFO ghost=%d\n", ghost);
  test_ready();
  test_wait_check();
  check_ghost_times(ghost);
  if (kill(child, CHECK_SIGNAL) != 0) test_fail("kill %d", child);
  int status;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) test_fail("the child ended with status %#x", status);
  check_fifo(reader);
  check_empty_fifo(empty);
  check_ghost(ghost, expected_name);
  test_pass();
}
