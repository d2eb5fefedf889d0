/*
 * Files and credentials in flight on unix sockets, for dump -> kill -> restore:
 *   - over a stream pair: a pipe's read end and a regular file at offset 4,
 *     then one end of a socket pair with data queued on it, then plain data;
 *     the program keeps only the pipe's write end and the other socket end;
 *   - over a datagram pair whose receiver asks for credentials
 *     (SO_PASSCRED): an eventfd with counter 7, closed by the program;
 *   - a socket in its own queue: one end of a pair sent over the other end,
 *     once kept by the program, once only in flight on the stream pair;
 *   - with the argument "epoll", an epoll instance in flight on a pair of
 *     its own, which amber refuses to dump.
 * On the check signal it receives everything and proves each file works.
 */
#include "amber-test.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define MOST_FDS 4

struct message {
  char text[64];
  int fds[MOST_FDS];
  int fd_count;
  struct ucred sender;
  int has_sender;
};

static void send_with_fds(int socket, const char *text, const int *fds, int count) {
  char control[CMSG_SPACE(MOST_FDS * sizeof(int))] = { 0 };
  struct iovec data = { .iov_base = (void *)text, .iov_len = strlen(text) };
  struct msghdr header = { .msg_iov = &data, .msg_iovlen = 1 };
  if (count > 0) {
    header.msg_control = control;
    header.msg_controllen = CMSG_SPACE(count * sizeof(int));
    struct cmsghdr *rights = CMSG_FIRSTHDR(&header);
    rights->cmsg_level = SOL_SOCKET;
    rights->cmsg_type = SCM_RIGHTS;
    rights->cmsg_len = CMSG_LEN(count * sizeof(int));
    memcpy(CMSG_DATA(rights), fds, count * sizeof(int));
  }
  if (sendmsg(socket, &header, 0) != (ssize_t)strlen(text)) test_fail("sendmsg %s: %s", text, strerror(errno));
}

static struct message receive(int socket, const char *what) {
  struct message message = { 0 };
  char control[CMSG_SPACE(MOST_FDS * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
  struct iovec data = { .iov_base = message.text, .iov_len = sizeof message.text - 1 };
  struct msghdr header = { .msg_iov = &data, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  if (recvmsg(socket, &header, MSG_DONTWAIT) < 0) test_fail("%s: recvmsg: %s", what, strerror(errno));
  if (header.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) test_fail("%s: truncated", what);
  for (struct cmsghdr *part = CMSG_FIRSTHDR(&header); part != NULL; part = CMSG_NXTHDR(&header, part)) {
    if (part->cmsg_level == SOL_SOCKET && part->cmsg_type == SCM_RIGHTS) {
      message.fd_count = (part->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      memcpy(message.fds, CMSG_DATA(part), message.fd_count * sizeof(int));
    } else if (part->cmsg_level == SOL_SOCKET && part->cmsg_type == SCM_CREDENTIALS) {
      memcpy(&message.sender, CMSG_DATA(part), sizeof message.sender);
      message.has_sender = 1;
    }
  }
  return message;
}

static void expect_message(const struct message *message, const char *text, int fd_count, const char *what) {
  if (strcmp(message->text, text) != 0) test_fail("%s: got \"%s\", not \"%s\"", what, message->text, text);
  if (message->fd_count != fd_count) test_fail("%s: %d fds, not %d", what, message->fd_count, fd_count);
}

static void expect_read(int fd, const char *text, const char *what) {
  char buffer[64] = { 0 };
  ssize_t got = read(fd, buffer, sizeof buffer - 1);
  if (got < 0) test_fail("%s: read: %s", what, strerror(errno));
  if (strcmp(buffer, text) != 0) test_fail("%s: read \"%s\", not \"%s\"", what, buffer, text);
}

static ino_t inode_of(int fd) {
  struct stat status;
  if (fstat(fd, &status) != 0) test_fail("fstat %d: %s", fd, strerror(errno));
  return status.st_ino;
}

/* Sends a new epoll instance over a pair of its own, and closes it. */
static void send_epoll(void) {
  int pair[2], epoll = epoll_create1(0);
  if (epoll < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) test_fail("epoll or socketpair: %s", strerror(errno));
  send_with_fds(pair[0], "an epoll", &epoll, 1);
  close(epoll);
  printf("INFO epoll_carrier=%d\n", pair[1]);
}

int main(int argc, char **argv) {
  if (argc != 2 && !(argc == 3 && strcmp(argv[2], "epoll") == 0)) test_fail("usage: restore-scm-rights DIR [epoll]");
  char file_path[256];
  snprintf(file_path, sizeof file_path, "%s/in-flight.txt", argv[1]);

  int carrier[2], datagrams[2], inner[2], loop[2], flying_loop[2], pipe_ends[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, carrier) || socketpair(AF_UNIX, SOCK_DGRAM, 0, datagrams) ||
      socketpair(AF_UNIX, SOCK_STREAM, 0, inner) || socketpair(AF_UNIX, SOCK_STREAM, 0, loop) ||
      socketpair(AF_UNIX, SOCK_STREAM, 0, flying_loop) || pipe(pipe_ends))
    test_fail("socketpair or pipe: %s", strerror(errno));
  int one = 1;
  if (setsockopt(datagrams[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one) != 0) test_fail("SO_PASSCRED");

  if (write(pipe_ends[1], "pipe data", 9) != 9) test_fail("write pipe");
  int file = open(file_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (file < 0 || write(file, "0123456789", 10) != 10 || lseek(file, 4, SEEK_SET) != 4) test_fail("file: %s", strerror(errno));
  int counter = eventfd(7, 0);
  if (counter < 0) test_fail("eventfd: %s", strerror(errno));
  if (write(inner[0], "inner data", 10) != 10) test_fail("write inner");

  send_with_fds(carrier[0], "two files", (int[]){ pipe_ends[0], file }, 2);
  send_with_fds(carrier[0], "a socket", (int[]){ inner[1] }, 1);
  send_with_fds(flying_loop[0], "itself, in flight", (int[]){ flying_loop[1] }, 1);
  send_with_fds(carrier[0], "a loop", (int[]){ flying_loop[1] }, 1);
  send_with_fds(carrier[0], "no files", NULL, 0);
  send_with_fds(datagrams[0], "a counter", (int[]){ counter }, 1);
  send_with_fds(loop[0], "itself", (int[]){ loop[1] }, 1);
  close(pipe_ends[0]);
  close(file);
  close(counter);
  close(inner[1]);
  close(flying_loop[1]);
  printf("INFO loop=%d\n", loop[1]);
  if (argc == 3) send_epoll();
  test_ready();
  test_wait_check();

  struct message files = receive(carrier[1], "first message");
  expect_message(&files, "two files", 2, "first message");
  expect_read(files.fds[0], "pipe data", "pipe in flight");
  if (write(pipe_ends[1], "more", 4) != 4) test_fail("write pipe after restore");
  expect_read(files.fds[0], "more", "pipe in flight, after restore");
  expect_read(files.fds[1], "456789", "file in flight from offset 4");

  struct message socket = receive(carrier[1], "second message");
  expect_message(&socket, "a socket", 1, "second message");
  expect_read(socket.fds[0], "inner data", "socket in flight, its own queue");
  if (write(inner[0], "again", 5) != 5) test_fail("write inner after restore");
  expect_read(socket.fds[0], "again", "socket in flight, still connected");

  struct message flying = receive(carrier[1], "third message");
  expect_message(&flying, "a loop", 1, "third message");
  struct message flying_itself = receive(flying.fds[0], "socket in flight in its own queue");
  expect_message(&flying_itself, "itself, in flight", 1, "socket in flight in its own queue");
  if (inode_of(flying_itself.fds[0]) != inode_of(flying.fds[0])) test_fail("the socket in flight in its own queue is another socket");

  struct message plain = receive(carrier[1], "fourth message");
  expect_message(&plain, "no files", 0, "fourth message");

  struct message datagram = receive(datagrams[1], "datagram");
  expect_message(&datagram, "a counter", 1, "datagram");
  uint64_t value = 0;
  if (read(datagram.fds[0], &value, sizeof value) != sizeof value || value != 7) test_fail("eventfd in flight reads %llu, not 7", (unsigned long long)value);
  if (!datagram.has_sender) test_fail("datagram: no credentials");
  if (datagram.sender.pid != getpid() || datagram.sender.uid != getuid() || datagram.sender.gid != getgid())
    test_fail("datagram: sent by pid %d uid %d gid %d", datagram.sender.pid, datagram.sender.uid, datagram.sender.gid);

  struct message itself = receive(loop[1], "socket in its own queue");
  expect_message(&itself, "itself", 1, "socket in its own queue");
  if (inode_of(itself.fds[0]) != inode_of(loop[1])) test_fail("the socket in its own queue is another socket");
  test_pass();
}
