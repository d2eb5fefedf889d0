/*
 * A process holding a socket to be dumped, or refused: a UDP socket bound
 * on the loopback address; or, given "stream PATH", a unix stream socket
 * connected to a listener outside the dumped tree; or, given "dgram PATH",
 * a unix datagram socket bound at PATH.client and connected to the socket
 * bound at PATH outside the tree, to which the test sends "queued". On the
 * check signal it reads that datagram, checks its peer's name and sends
 * "ping" to its peer. Given "pair", it keeps one end of a datagram
 * socketpair and a child the other end, which it sends "ping" through on
 * the check signal.
 */
#include "amber-test.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static int udp_socket(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0) test_fail("udp bind");
  return fd;
}

static struct sockaddr_un unix_address(const char *path, const char *suffix) {
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  snprintf(address.sun_path, sizeof address.sun_path, "%s%s", path, suffix);
  return address;
}

static int connected_unix_socket(int type, const char *path) {
  int fd = socket(AF_UNIX, type, 0);
  struct sockaddr_un self = unix_address(path, ".client"), peer = unix_address(path, "");
  if (fd < 0) test_fail("socket");
  if (type == SOCK_DGRAM && bind(fd, (struct sockaddr *)&self, sizeof self) != 0) test_fail("bind %s: %s", self.sun_path, strerror(errno));
  if (connect(fd, (struct sockaddr *)&peer, sizeof peer) != 0) test_fail("connect %s: %s", path, strerror(errno));
  return fd;
}

static void check_datagram_socket(int fd, const char *path) {
  char buffer[32];
  ssize_t got = recv(fd, buffer, sizeof buffer - 1, MSG_DONTWAIT);
  if (got < 0) test_fail("no queued datagram: %s", strerror(errno));
  buffer[got] = 0;
  if (strcmp(buffer, "queued") != 0) test_fail("read \"%s\", not \"queued\"", buffer);
  struct sockaddr_un peer;
  socklen_t length = sizeof peer;
  if (getpeername(fd, (struct sockaddr *)&peer, &length) != 0) test_fail("getpeername: %s", strerror(errno));
  if (strcmp(peer.sun_path, path) != 0) test_fail("connected to %s, not %s", peer.sun_path, path);
}

/* The child's end is at the fd number INFO socket= gives. */
static void check_pair(void) {
  int ends[2];
  if (socketpair(AF_UNIX, SOCK_DGRAM, 0, ends) != 0) test_fail("socketpair");
  pid_t child = fork();
  if (child < 0) test_fail("fork");
  if (child == 0) {
    close(ends[0]);
    test_wait_check();
    if (send(ends[1], "ping", 4, 0) != 4) test_fail("child: send: %s", strerror(errno));
    _exit(0);
  }
  close(ends[1]);
  printf("INFO socket=%d\nINFO child=%d\n", ends[1], child);
  test_ready();
  test_wait_check();
  kill(child, CHECK_SIGNAL);
  char buffer[4];
  int status;
  if (recv(ends[0], buffer, 4, 0) != 4 || memcmp(buffer, "ping", 4) != 0) test_fail("nothing from the child");
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) test_fail("child failed");
  test_pass();
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "pair") == 0) check_pair();
  int type = argc > 2 && strcmp(argv[1], "dgram") == 0 ? SOCK_DGRAM : SOCK_STREAM;
  int fd = argc > 2 ? connected_unix_socket(type, argv[2]) : udp_socket();
  printf("INFO socket=%d\n", fd);
  test_ready();
  test_wait_check();
  if (argc > 2) {
    if (type == SOCK_DGRAM) check_datagram_socket(fd, argv[2]);
    if (write(fd, "ping", 4) != 4) test_fail("write to the peer: %s", strerror(errno));
    test_pass();
  }
  struct sockaddr_in self;
  socklen_t length = sizeof self;
  char buffer[4];
  if (getsockname(fd, (struct sockaddr *)&self, &length) != 0) test_fail("getsockname");
  if (sendto(fd, "ping", 4, 0, (struct sockaddr *)&self, length) != 4) test_fail("sendto");
  if (recv(fd, buffer, 4, 0) != 4 || memcmp(buffer, "ping", 4) != 0) test_fail("the socket lost the message");
  test_pass();
}
