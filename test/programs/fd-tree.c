/*
 * A tree of PROCESSES processes (each parent forks up to FANOUT children)
 * holding 10 fds each, 0-2 included, all of them shared: the root opens a
 * pipe (holding a few bytes), an eventfd, a unix socket pair and a regular
 * file (FILE, opened and dup'd), and every child inherits them. A parent
 * replaces one of these with a new one before forking, so its subtree
 * shares that one: a reopened FILE is a description of its own with the
 * same inode, position and flags as the others. For dump and restore
 * benchmarks.
 */
#include "amber-test.h"
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#define FANOUT 4
#define PIPE_DATA "bytes in the pipe"

/* Where the shared objects live in every process: fixed numbers, so that a parent can replace one with dup2. */
enum { PIPE_READ = 3, PIPE_WRITE, EVENT, SOCKET_A, SOCKET_B, FILE_FD, FILE_DUP, FD_COUNT };

/* Both ends of the pipe that says when the tree is set up, above the fds the tree keeps. */
static int ready_read, ready_write;

/* Moves `fd` to `slot` (closing what was there) and closes `fd`. */
static void place(int fd, int slot) {
  if (fd < 0) test_fail("creating the object for fd %d", slot);
  if (fd == slot) return;
  if (dup2(fd, slot) != slot) test_fail("dup2 to %d", slot);
  close(fd);
}

static void new_pipe(void) {
  int ends[2];
  if (pipe(ends) != 0) test_fail("pipe");
  if (write(ends[1], PIPE_DATA, strlen(PIPE_DATA)) != (ssize_t)strlen(PIPE_DATA)) test_fail("pipe write");
  place(ends[0], PIPE_READ);
  place(ends[1], PIPE_WRITE);
}

static void new_socket_pair(void) {
  int ends[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, ends) != 0) test_fail("socketpair");
  place(ends[0], SOCKET_A);
  place(ends[1], SOCKET_B);
}

static void new_file(const char *path) {
  place(open(path, O_RDWR), FILE_FD);
  if (dup2(FILE_FD, FILE_DUP) != FILE_DUP) test_fail("dup2 of the file");
}

/* A parent gives its subtree a description of its own: which kind turns with its index. */
static void renew_one(int index, const char *path) {
  switch (index % 4) {
  case 0: new_pipe(); break;
  case 1: place(eventfd((unsigned)index, 0), EVENT); break;
  case 2: new_socket_pair(); break;
  default: new_file(path); break;
  }
}

/*
 * Forks the subtree below process `index`. Each process closes its copy of
 * the ready pipe's write end once its own children are forked, so the root
 * sees EOF on the read end when every process is set up.
 */
static void grow(int index, int processes, const char *path) {
  for (int child = FANOUT * index + 1; child <= FANOUT * index + FANOUT && child < processes; child++) {
    if (child == FANOUT * index + 1) renew_one(index, path);
    pid_t pid = fork();
    if (pid < 0) test_fail("fork");
    if (pid == 0) {
      close(ready_read);
      grow(child, processes, path);
      close(ready_write);
      for (;;) pause();
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 3) test_fail("usage: fd-tree PROCESSES FILE");
  int processes = atoi(argv[1]);
  const char *path = argv[2];
  if (processes < 1) test_fail("at least 1 process");
  int file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (file < 0) test_fail("open %s", path);
  close(file);
  new_pipe();
  place(eventfd(0, 0), EVENT);
  new_socket_pair();
  new_file(path);
  int ready_ends[2];
  if (pipe(ready_ends) != 0) test_fail("pipe");
  ready_read = fcntl(ready_ends[0], F_DUPFD, FD_COUNT);
  ready_write = fcntl(ready_ends[1], F_DUPFD, FD_COUNT);
  close(ready_ends[0]);
  close(ready_ends[1]);
  if (ready_read < 0 || ready_write < 0) test_fail("moving the ready pipe");
  grow(0, processes, path);
  close(ready_write);
  char byte;
  if (read(ready_read, &byte, 1) != 0) test_fail("waiting for the tree");
  close(ready_read);
  test_ready();
  test_wait_check();
  test_pass();
}
