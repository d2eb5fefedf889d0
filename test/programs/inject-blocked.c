/*
 * Blocks in one syscall, over and over, until asked to check itself:
 *   inject-blocked MODE restart|norestart
 * MODE is nanosleep, read (a pipe), pause, futex, epoll (epoll_wait on a
 * pipe) or sigsuspend. SIGUSR1 has a handler, with or without SA_RESTART.
 * Every return of the syscall is accounted for: data read, a completed
 * sleep (never short, never much too long), or EINTR right after a SIGUSR1
 * handler ran. Anything else fails, except the EINTR that epoll_wait returns
 * after a ptrace stop (signal(7)), which is counted as "stop_eintr".
 * The pipe's write end stays open; INFO pipe=FD names it for the test.
 */
#include "amber-test.h"

#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>

enum { SLEEP_MS = 300, SLEEP_SLACK_MS = 100 };

static volatile sig_atomic_t handled;
/* Returns with EINTR right after a SIGUSR1 handler ran. */
static int eintr;
static int pipe_fds[2], epoll_fd;
static uint32_t futex_word;
static sigset_t normal_mask;

static void on_usr1(int signal) {
  (void)signal;
  handled++;
  test_log_async("HANDLED\n");
}

static long elapsed_ms(const struct timespec *since) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* One full sleep of SLEEP_MS, resumed after a handler's EINTR; -1 with EINTR when the check interrupts it. */
static int sleep_once(int iteration) {
  struct timespec start, request = { .tv_sec = 0, .tv_nsec = SLEEP_MS * 1000000L }, remaining;
  int interruptions = 0;
  printf("SLEEP %d\n", iteration);
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int handled_before = handled; syscall(SYS_nanosleep, &request, &remaining) != 0; handled_before = handled) {
    if (errno != EINTR) test_fail("nanosleep: errno %d", errno);
    if (check_requested) return -1;
    if (handled == handled_before) test_fail("nanosleep returned EINTR though no handler ran");
    interruptions++;
    eintr++;
    request = remaining;
  }
  long slept = elapsed_ms(&start);
  if (slept < SLEEP_MS) test_fail("nanosleep %d slept only %ld ms", iteration, slept);
  if (interruptions == 0 && slept > SLEEP_MS + SLEEP_SLACK_MS) test_fail("nanosleep %d slept %ld ms", iteration, slept);
  return 0;
}

static void read_data(void) {
  char data[256];
  ssize_t length = read(pipe_fds[0], data, sizeof data - 1);
  if (length <= 0) test_fail("read from the pipe returned %zd (errno %d)", length, errno);
  data[length] = '\0';
  printf("DATA %s\n", data);
}

/* Runs the blocking call once; returns 0 when it completed, -1 with errno set otherwise. */
static int block_once(const char *mode, int iteration) {
  if (strcmp(mode, "nanosleep") == 0) return sleep_once(iteration);
  if (strcmp(mode, "read") == 0) {
    char byte;
    ssize_t length = read(pipe_fds[0], &byte, 1);
    if (length == 1) printf("DATA %c\n", byte);
    return length == 1 ? 0 : -1;
  }
  if (strcmp(mode, "pause") == 0) return pause();
  if (strcmp(mode, "futex") == 0) {
    long result = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    if (result == 0) test_fail("futex wait returned 0 though nobody woke it");
    return -1;
  }
  if (strcmp(mode, "epoll") == 0) {
    struct epoll_event event;
    int count = epoll_wait(epoll_fd, &event, 1, -1);
    if (count == 1) read_data();
    return count == 1 ? 0 : -1;
  }
  if (strcmp(mode, "sigsuspend") == 0) {
    sigset_t waiting;
    sigemptyset(&waiting);
    int result = sigsuspend(&waiting);
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    if (sigismember(&now, SIGUSR1) != sigismember(&normal_mask, SIGUSR1)) test_fail("sigsuspend left the wrong mask");
    return result;
  }
  test_fail("unknown mode %s", mode);
}

static void set_up(const char *mode, int restart) {
  struct sigaction action = { .sa_handler = on_usr1, .sa_flags = restart ? SA_RESTART : 0 };
  if (sigaction(SIGUSR1, &action, NULL) != 0) test_fail("sigaction(SIGUSR1)");
  if (pipe(pipe_fds) != 0) test_fail("pipe");
  epoll_fd = epoll_create1(0);
  struct epoll_event event = { .events = EPOLLIN };
  if (epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, pipe_fds[0], &event) != 0) test_fail("epoll");
  if (strcmp(mode, "sigsuspend") == 0) {
    /* Outside sigsuspend SIGUSR1 waits; inside, it is let in. */
    sigemptyset(&normal_mask);
    sigaddset(&normal_mask, SIGUSR1);
    sigprocmask(SIG_BLOCK, &normal_mask, NULL);
  }
  printf("INFO pipe=%d\n", pipe_fds[1]);
}

int main(int argc, char **argv) {
  if (argc != 3) test_fail("usage: inject-blocked MODE restart|norestart");
  const char *mode = argv[1];
  int restart = strcmp(argv[2], "restart") == 0;
  set_up(mode, restart);
  test_ready();
  int stop_eintr = 0, completed = 0;
  while (!check_requested) {
    int handled_before = handled;
    if (block_once(mode, completed) == 0) {
      completed++;
      continue;
    }
    if (errno != EINTR) test_fail("%s: errno %d", mode, errno);
    if (check_requested) break;
    if (handled != handled_before) eintr++;
    else if (strcmp(mode, "epoll") == 0) stop_eintr++;
    else test_fail("%s returned EINTR though no handler ran", mode);
  }
  printf("COUNTS handled=%d eintr=%d stop_eintr=%d completed=%d\n", (int)handled, eintr, stop_eintr, completed);
  int restartable = strcmp(mode, "read") == 0 || strcmp(mode, "futex") == 0;
  int expected_eintr = restartable && restart ? 0 : handled;
  if (eintr != expected_eintr) test_fail("%d EINTR for %d handled signals, expected %d", eintr, (int)handled, expected_eintr);
  test_pass();
}
