/*
 * Unix sockets for dump -> kill -> restore, with data queued on each:
 *   - stream, seqpacket and datagram socketpairs, data both ways;
 *   - a listener bound in DIR, a client connected to it and the accepted end,
 *     and another accepted end whose client wrote, then was closed;
 *   - a datagram server bound to an abstract name, and a client bound in DIR
 *     connected to it one way;
 *   - a stream pair whose one end wrote, then shut down its writing side;
 *   - a stream pair whose one end wrote, then was closed;
 *   - one end of the stream pair shared with a child, which writes through
 *     it once the check starts.
 * On the check signal it reads everything back and checks names and states.
 */
#include "amber-test.h"
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static char listen_path[108], client_path[108], abstract_name[108];

static void send_text(int fd, const char *text) {
  if (send(fd, text, strlen(text), 0) != (ssize_t)strlen(text)) test_fail("send %s: %s", text, strerror(errno));
}

static void expect_text(int fd, const char *text, const char *what) {
  char buffer[256];
  ssize_t got = recv(fd, buffer, sizeof buffer - 1, MSG_DONTWAIT);
  if (got < 0) test_fail("%s: recv: %s", what, strerror(errno));
  buffer[got] = 0;
  if (strcmp(buffer, text) != 0) test_fail("%s: got \"%s\", not \"%s\"", what, buffer, text);
}

static struct sockaddr_un address_of(const char *name, int abstract, socklen_t *length) {
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  size_t size = strlen(name);
  memcpy(address.sun_path + abstract, name, size);
  *length = offsetof(struct sockaddr_un, sun_path) + abstract + size + !abstract;
  return address;
}

static int bound_socket(int type, const char *name, int abstract) {
  int fd = socket(AF_UNIX, type, 0);
  socklen_t length;
  struct sockaddr_un address = address_of(name, abstract, &length);
  if (fd < 0 || bind(fd, (struct sockaddr *)&address, length) != 0) test_fail("bind %s: %s", name, strerror(errno));
  return fd;
}

static void connect_to(int fd, const char *name, int abstract) {
  socklen_t length;
  struct sockaddr_un address = address_of(name, abstract, &length);
  if (connect(fd, (struct sockaddr *)&address, length) != 0) test_fail("connect %s: %s", name, strerror(errno));
}

/* The name getsockname (or getpeername) reports, "@" standing for a leading NUL. */
static const char *name_of(int fd, int peer) {
  static char text[110];
  struct sockaddr_un address;
  socklen_t length = sizeof address;
  int result = peer ? getpeername(fd, (struct sockaddr *)&address, &length) : getsockname(fd, (struct sockaddr *)&address, &length);
  if (result != 0) test_fail("getsockname: %s", strerror(errno));
  size_t size = length - offsetof(struct sockaddr_un, sun_path);
  if (size > 0 && address.sun_path[0] == 0) {
    text[0] = '@';
    memcpy(text + 1, address.sun_path + 1, size - 1);
    text[size] = 0;
  } else {
    memcpy(text, address.sun_path, size);
    text[size] = 0;
  }
  return text;
}

int main(int argc, char **argv) {
  if (argc != 2) test_fail("usage: restore-unix-sockets DIR");
  snprintf(listen_path, sizeof listen_path, "%s/listen.sock", argv[1]);
  snprintf(client_path, sizeof client_path, "%s/client.sock", argv[1]);
  snprintf(abstract_name, sizeof abstract_name, "amber-test-%d", getpid());
  signal(SIGPIPE, SIG_IGN);

  int stream[2], seqpacket[2], dgram[2], closing[2], orphan[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, stream) || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, seqpacket) ||
      socketpair(AF_UNIX, SOCK_DGRAM, 0, dgram) || socketpair(AF_UNIX, SOCK_STREAM, 0, closing) ||
      socketpair(AF_UNIX, SOCK_STREAM, 0, orphan))
    test_fail("socketpair");
  send_text(stream[0], "stream: first to second\n");
  send_text(stream[1], "stream: second to first\n");
  send_text(seqpacket[0], "record one");
  send_text(seqpacket[0], "record two, longer");
  send_text(dgram[0], "datagram 1");
  send_text(dgram[0], "datagram 2");
  send_text(dgram[1], "datagram back");
  send_text(closing[0], "last words");
  if (shutdown(closing[0], SHUT_WR) != 0) test_fail("shutdown");
  send_text(orphan[0], "before the close");
  close(orphan[0]);

  int listener = bound_socket(SOCK_STREAM, listen_path, 0);
  if (listen(listener, 8) != 0) test_fail("listen");
  int client = socket(AF_UNIX, SOCK_STREAM, 0);
  connect_to(client, listen_path, 0);
  int accepted = accept(listener, NULL, NULL);
  if (accepted < 0) test_fail("accept");
  send_text(client, "hello server");
  send_text(accepted, "hello client");
  int gone = socket(AF_UNIX, SOCK_STREAM, 0);
  connect_to(gone, listen_path, 0);
  int left = accept(listener, NULL, NULL);
  if (left < 0) test_fail("accept");
  send_text(gone, "goodbye server");
  close(gone);

  int server = bound_socket(SOCK_DGRAM, abstract_name, 1);
  int talker = bound_socket(SOCK_DGRAM, client_path, 0);
  connect_to(talker, abstract_name, 1);
  send_text(talker, "to the server, 1");
  send_text(talker, "to the server, 2");
  socklen_t length;
  struct sockaddr_un talker_address = address_of(client_path, 0, &length);
  if (sendto(server, "to the talker", 13, 0, (struct sockaddr *)&talker_address, length) != 13) test_fail("sendto");

  pid_t child = fork();
  if (child < 0) test_fail("fork");
  if (child == 0) {
    test_wait_check();
    send_text(stream[0], "from the child\n");
    _exit(0);
  }
  printf("INFO child=%d\n", child);
  test_ready();
  test_wait_check();
  kill(child, CHECK_SIGNAL);
  int status;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) test_fail("child failed");

  expect_text(stream[1], "stream: first to second\nfrom the child\n", "stream pair, second end");
  expect_text(stream[0], "stream: second to first\n", "stream pair, first end");
  expect_text(seqpacket[1], "record one", "seqpacket first record");
  expect_text(seqpacket[1], "record two, longer", "seqpacket second record");
  expect_text(dgram[1], "datagram 1", "first datagram");
  expect_text(dgram[1], "datagram 2", "second datagram");
  expect_text(dgram[0], "datagram back", "datagram back");
  expect_text(closing[1], "last words", "before shutdown");
  char byte;
  if (recv(closing[1], &byte, 1, MSG_DONTWAIT) != 0) test_fail("no end of file after shutdown");
  if (send(closing[0], "x", 1, MSG_DONTWAIT) != -1 || errno != EPIPE) test_fail("the shut down end can still write");
  expect_text(orphan[1], "before the close", "before the peer closed");
  if (recv(orphan[1], &byte, 1, MSG_DONTWAIT) != 0) test_fail("no end of file after the peer closed");
  if (send(orphan[1], "x", 1, MSG_DONTWAIT) != -1 || errno != EPIPE) test_fail("the end whose peer closed can still write");

  expect_text(accepted, "hello server", "accepted end");
  expect_text(client, "hello client", "client end");
  if (strcmp(name_of(accepted, 0), listen_path) != 0) test_fail("accepted end is named %s", name_of(accepted, 0));
  if (strcmp(name_of(client, 1), listen_path) != 0) test_fail("client's peer is %s", name_of(client, 1));
  expect_text(left, "goodbye server", "accepted end whose client closed");
  if (recv(left, &byte, 1, MSG_DONTWAIT) != 0) test_fail("no end of file after the client closed");
  if (strcmp(name_of(left, 0), listen_path) != 0) test_fail("accepted end whose client closed is named %s", name_of(left, 0));
  int another = socket(AF_UNIX, SOCK_STREAM, 0);
  connect_to(another, listen_path, 0);
  if (accept(listener, NULL, NULL) < 0) test_fail("listener no longer accepts");

  expect_text(server, "to the server, 1", "abstract server, first");
  expect_text(server, "to the server, 2", "abstract server, second");
  expect_text(talker, "to the talker", "talker");
  if (strcmp(name_of(talker, 0), client_path) != 0) test_fail("talker is named %s", name_of(talker, 0));
  if (name_of(talker, 1)[0] != '@' || strcmp(name_of(talker, 1) + 1, abstract_name) != 0) test_fail("talker's peer is %s", name_of(talker, 1));
  test_pass();
}
