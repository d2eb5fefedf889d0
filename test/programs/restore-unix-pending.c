/*
 * A unix listener with connections it has not accepted yet. The process
 * listens on DIR/pending.sock, has accepted one connection (keeping its
 * client end too) and has one connection of its own waiting; its child
 * queues a second one after it. On the check signal the child writes "two"
 * and the process "one" on their waiting connections; the process then
 * accepts them in queue order ("one" first), answers the child, checks that
 * the accepted connection still carries data both ways and that the
 * listener takes a new connection.
 *
 * Variants the dump must refuse, each leaving the process as it was:
 *   "written": the waiting connection wrote "early" before the dump;
 *   "closed":  a waiting connection was closed by its client;
 *   "outside": nothing here connects; the test does, from outside the tree.
 * On the check signal they accept what waits and pass.
 */
#include "amber-test.h"
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static struct sockaddr_un address;

static int connect_client(void) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) test_fail("connect %s: %s", address.sun_path, strerror(errno));
  return fd;
}

/* The next connection the listener holds, failing rather than waiting when none is there. */
static int accept_waiting(int listener, const char *which) {
  struct pollfd ready = { .fd = listener, .events = POLLIN };
  if (poll(&ready, 1, 2000) != 1) test_fail("no %s connection waits on the listener", which);
  int fd = accept(listener, NULL, NULL);
  if (fd < 0) test_fail("accept the %s connection: %s", which, strerror(errno));
  return fd;
}

static void expect_read(int fd, const char *expected, const char *which) {
  char buffer[16] = { 0 };
  size_t length = strlen(expected);
  ssize_t got = recv(fd, buffer, length, MSG_WAITALL);
  if (got != (ssize_t)length || memcmp(buffer, expected, length) != 0) test_fail("%s read \"%.*s\", not \"%s\"", which, got < 0 ? 0 : (int)got, buffer, expected);
}

static void send_text(int fd, const char *text, const char *which) {
  if (send(fd, text, strlen(text), MSG_NOSIGNAL) != (ssize_t)strlen(text)) test_fail("%s: send: %s", which, strerror(errno));
}

/*
 * The child queues its connection after the parent's, and says so through a
 * pipe closed on both sides before READY; on the check signal it writes
 * "two" and waits for "ok".
 */
static pid_t start_child(void) {
  int queued[2];
  char byte = 0;
  if (pipe(queued) != 0) test_fail("pipe");
  pid_t child = fork();
  if (child < 0) test_fail("fork");
  if (child > 0) {
    close(queued[1]);
    if (read(queued[0], &byte, 1) != 1) test_fail("the child did not connect");
    close(queued[0]);
    return child;
  }
  close(queued[0]);
  int fd = connect_client();
  if (write(queued[1], &byte, 1) != 1) test_fail("child: write");
  close(queued[1]);
  test_wait_check();
  send_text(fd, "two", "child");
  expect_read(fd, "ok", "child");
  _exit(0);
}

static int refusal_variant(int listener, const char *variant) {
  if (strcmp(variant, "written") == 0) {
    int fd = connect_client();
    send_text(fd, "early", "client");
    return fd;
  }
  if (strcmp(variant, "closed") == 0) close(connect_client());
  else if (strcmp(variant, "outside") != 0) test_fail("unknown variant %s", variant);
  return listener;
}

int main(int argc, char **argv) {
  if (argc < 2) test_fail("usage: restore-unix-pending DIR [written|closed|outside]");
  address.sun_family = AF_UNIX;
  snprintf(address.sun_path, sizeof address.sun_path, "%s/pending.sock", argv[1]);
  unlink(address.sun_path);
  int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 8) != 0) test_fail("listen on %s: %s", address.sun_path, strerror(errno));
  printf("INFO listener=%d\nINFO path=%s\n", listener, address.sun_path);

  if (argc > 2) {
    printf("INFO socket=%d\n", refusal_variant(listener, argv[2]));
    test_ready();
    test_wait_check();
    close(accept_waiting(listener, "refused"));
    test_pass();
  }

  int accepted_client = connect_client();
  int accepted = accept_waiting(listener, "first");
  int waiting = connect_client();
  pid_t child = start_child();
  printf("INFO socket=%d\nINFO child=%d\n", waiting, child);
  test_ready();
  test_wait_check();

  kill(child, CHECK_SIGNAL);
  send_text(waiting, "one", "process");
  int first = accept_waiting(listener, "process's");
  expect_read(first, "one", "the first connection accepted");
  int second = accept_waiting(listener, "child's");
  expect_read(second, "two", "the second connection accepted");
  send_text(second, "ok", "process");
  int status;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) test_fail("the child failed");

  send_text(accepted, "ab", "accepted end");
  expect_read(accepted_client, "ab", "the accepted connection's client");
  send_text(accepted_client, "cd", "accepted connection's client");
  expect_read(accepted, "cd", "the accepted end");

  int late = connect_client();
  int late_accepted = accept_waiting(listener, "new");
  send_text(late, "new", "new client");
  expect_read(late_accepted, "new", "the new connection");
  test_pass();
}
