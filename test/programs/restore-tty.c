/*
 * Restore test: a pty pair. The root holds the master and a slave (never its
 * controlling terminal); child "leader" starts a session and takes the slave
 * as its controlling terminal; its child "foreground" leads the process
 * group in the foreground and holds /dev/tty open, through which it writes
 * "via-dev-tty" on SIGUSR1. The slave is raw with VMIN 3 and VTIME 7 and a
 * 33x111 window; "to-slave" waits unread at the slave, "to-master" at the
 * master. On the check signal the root verifies all of that (the test
 * compares the children's tty_nr), then that bytes still travel both ways,
 * also from the foreground's /dev/tty to the master.
 * With "shell-job", see run_shell_job.
 */
#include "amber-test.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>

static void expect_bytes(int fd, const char *expected, const char *what) {
  char buffer[64] = {0};
  size_t done = 0, length = strlen(expected);
  while (done < length) {
    struct pollfd ready = {.fd = fd, .events = POLLIN};
    if (poll(&ready, 1, 2000) != 1) test_fail("%s: nothing to read after %zu bytes", what, done);
    ssize_t got = read(fd, buffer + done, sizeof buffer - 1 - done);
    if (got <= 0) test_fail("%s: read returned %zd", what, got);
    done += (size_t)got;
  }
  if (strcmp(buffer, expected) != 0) test_fail("%s: read '%s', not '%s'", what, buffer, expected);
}

static void write_text(int fd, const char *text) {
  if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) test_fail("write '%s'", text);
}

static int dev_tty = -1;

static void write_via_dev_tty(int signal) {
  (void)signal;
  test_log_async(write(dev_tty, "via-dev-tty", 11) == 11 ? "" : "FAIL: writing to /dev/tty\n");
}

/* "shell-job": child "job" stays in the root's session with the slave as its stdin, as a job run from a shell. */
static void run_shell_job(int master, const char *slave_path) {
  int started[2];
  if (pipe(started) != 0) test_fail("pipe");
  pid_t job = fork();
  if (job < 0) test_fail("fork");
  if (job == 0) {
    close(master);
    close(started[0]);
    int terminal = open(slave_path, O_RDWR | O_NOCTTY);
    if (terminal < 0 || dup2(terminal, STDIN_FILENO) < 0) _exit(2);
    close(terminal);
    close(started[1]);
    for (;;) pause();
  }
  close(started[1]);
  char end;
  if (read(started[0], &end, 1) != 0) test_fail("job %d did not start", job);
  close(started[0]);
  printf("INFO job=%d\n", job);
  test_ready();
  test_wait_check();
  kill(job, SIGKILL);
  test_pass();
}

int main(int argc, char **argv) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) test_fail("posix_openpt");
  char slave_path[64];
  if (ptsname_r(master, slave_path, sizeof slave_path) != 0) test_fail("ptsname");
  if (argc > 1 && strcmp(argv[1], "shell-job") == 0) run_shell_job(master, slave_path);
  int slave = open(slave_path, O_RDWR | O_NOCTTY);
  if (slave < 0) test_fail("open %s", slave_path);
  struct termios settings;
  tcgetattr(slave, &settings);
  cfmakeraw(&settings);
  settings.c_cc[VMIN] = 3;
  settings.c_cc[VTIME] = 7;
  if (tcsetattr(slave, TCSANOW, &settings) != 0) test_fail("tcsetattr");
  struct winsize size = {.ws_row = 33, .ws_col = 111};
  if (ioctl(master, TIOCSWINSZ, &size) != 0) test_fail("TIOCSWINSZ");

  int started[2], opened[2];
  if (pipe(started) != 0 || pipe(opened) != 0) test_fail("pipe");
  pid_t leader = fork();
  if (leader < 0) test_fail("fork");
  if (leader == 0) {
    setsid();
    int terminal = open(slave_path, O_RDWR);
    if (terminal < 0 || ioctl(terminal, TIOCSCTTY, 0) != 0) _exit(2);
    pid_t foreground = fork();
    if (foreground == 0) {
      setpgid(0, 0);
      dev_tty = open("/dev/tty", O_WRONLY);
      struct sigaction action = {.sa_handler = write_via_dev_tty};
      if (dev_tty < 0 || sigaction(SIGUSR1, &action, NULL) != 0 || write(opened[1], "", 1) != 1) _exit(5);
      for (;;) pause();
    }
    setpgid(foreground, foreground);
    if (tcsetpgrp(terminal, foreground) != 0) _exit(3);
    write_text(terminal, "to-master");
    if (write(started[1], &foreground, sizeof foreground) != sizeof foreground) _exit(4);
    for (;;) pause();
  }
  pid_t foreground;
  if (read(started[0], &foreground, sizeof foreground) != sizeof foreground) test_fail("leader %d did not start", leader);
  char done;
  if (read(opened[0], &done, 1) != 1) test_fail("the foreground did not open /dev/tty");
  close(started[0]);
  close(started[1]);
  close(opened[0]);
  close(opened[1]);
  write_text(master, "to-slave");
  printf("INFO leader=%d\nINFO foreground=%d\n", leader, foreground);
  test_ready();
  test_wait_check();

  struct termios now;
  if (tcgetattr(slave, &now) != 0) test_fail("tcgetattr");
  if (now.c_cc[VMIN] != 3 || now.c_cc[VTIME] != 7) test_fail("VMIN %d VTIME %d", now.c_cc[VMIN], now.c_cc[VTIME]);
  if ((now.c_lflag & (ICANON | ECHO)) != 0 || (now.c_oflag & OPOST) != 0) test_fail("not raw: lflag %o oflag %o", now.c_lflag, now.c_oflag);
  struct winsize size_now;
  if (ioctl(slave, TIOCGWINSZ, &size_now) != 0 || size_now.ws_row != 33 || size_now.ws_col != 111) test_fail("window %dx%d", size_now.ws_row, size_now.ws_col);
  if (tcgetsid(master) != leader) test_fail("the slave controls session %d, not %d", tcgetsid(master), leader);
  if (tcgetpgrp(master) != foreground) test_fail("foreground group %d, not %d", tcgetpgrp(master), foreground);
  expect_bytes(slave, "to-slave", "bytes queued at the slave");
  expect_bytes(master, "to-master", "bytes queued at the master");
  write_text(master, "ping");
  expect_bytes(slave, "ping", "master to slave");
  write_text(slave, "pong");
  expect_bytes(master, "pong", "slave to master");
  if (kill(foreground, SIGUSR1) != 0) test_fail("kill %d", foreground);
  expect_bytes(master, "via-dev-tty", "the foreground's /dev/tty to master");
  kill(leader, SIGKILL);
  kill(foreground, SIGKILL);
  test_pass();
}
