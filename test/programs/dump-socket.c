/*
 * A process holding a socket amber refuses to dump: a UDP socket bound on
 * the loopback address, or, given a path, a unix stream socket connected
 * to a listener outside the dumped tree. On the check signal it verifies
 * the socket still works.
 */
#include "amber-test.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

static int udp_socket(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  if (fd < 0 || bind(fd, (struct sockaddr *)&address, sizeof address) != 0) test_fail("udp bind");
  return fd;
}

static int connected_unix_socket(const char *path) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  strncpy(address.sun_path, path, sizeof address.sun_path - 1);
  if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) test_fail("connect %s", path);
  return fd;
}

int main(int argc, char **argv) {
  int fd = argc > 1 ? connected_unix_socket(argv[1]) : udp_socket();
  printf("INFO socket=%d\n", fd);
  test_ready();
  test_wait_check();
  if (argc > 1) {
    if (write(fd, "ping", 4) != 4) test_fail("write to the listener");
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
