/*
 * A process holding a unix socketpair (fds 3 and 4), which amber cannot dump
 * yet. On the check signal it verifies the pair still carries a message.
 */
#include "amber-test.h"
#include <sys/socket.h>

int main(void) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) test_fail("socketpair");
  printf("INFO socket=%d\n", pair[0]);
  test_ready();
  test_wait_check();
  if (write(pair[0], "ping", 4) != 4) test_fail("write");
  char buffer[4];
  if (read(pair[1], buffer, 4) != 4 || memcmp(buffer, "ping", 4) != 0) test_fail("the pair lost the message");
  test_pass();
}
