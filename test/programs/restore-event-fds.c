/*
 * Event, timer and signal fds and epoll, for dump -> kill -> restore:
 *   - an eventfd holding 5 and a semaphore eventfd holding 3 (non-blocking);
 *   - a one-shot timerfd that already expired once, unread, and a periodic
 *     one due in an hour with a 10 s interval;
 *   - a signalfd for SIGUSR1 and SIGRTMIN+2;
 *   - an epoll watching the eventfd (data 0xfeed), a pipe's read end
 *     (edge-triggered, data 7) and a nested epoll that watches the expired
 *     timerfd (data 9).
 * On the check signal it verifies that each behaves as it did before.
 */
#include "amber-test.h"
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>

static void watch(int epoll, int fd, uint32_t events, uint64_t data) {
  struct epoll_event event = { .events = events, .data.u64 = data };
  if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) != 0) test_fail("epoll_ctl add %d", fd);
}

/* Checks that epoll_wait reports exactly the events whose data are `first` and `second` (0: none). */
static void expect_events(int epoll, uint64_t first, uint64_t second, const char *what) {
  struct epoll_event events[4];
  int expected = (first != 0) + (second != 0);
  int ready = epoll_wait(epoll, events, 4, 0);
  if (ready != expected) test_fail("%s: epoll_wait reported %d events, not %d", what, ready, expected);
  for (int i = 0; i < ready; i++) {
    if (events[i].data.u64 != first && events[i].data.u64 != second) test_fail("%s: unexpected event data %#llx", what, (unsigned long long)events[i].data.u64);
  }
}

static uint64_t read_counter(int fd, const char *what) {
  uint64_t value;
  if (read(fd, &value, sizeof value) != sizeof value) test_fail("%s: read: %s", what, strerror(errno));
  return value;
}

int main(void) {
  int counter = eventfd(5, 0);
  int semaphore = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
  int expired = timerfd_create(CLOCK_MONOTONIC, 0);
  int hourly = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
  struct itimerspec soon = { .it_value = { 0, 1000000 } };
  struct itimerspec later = { .it_value = { 3600, 0 }, .it_interval = { 10, 0 } };
  if (counter < 0 || semaphore < 0 || expired < 0 || hourly < 0) test_fail("eventfd/timerfd");
  if (timerfd_settime(expired, 0, &soon, NULL) != 0 || timerfd_settime(hourly, 0, &later, NULL) != 0) test_fail("timerfd_settime");
  usleep(20000);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGUSR1);
  sigaddset(&signals, SIGRTMIN + 2);
  int signal_fd = signalfd(-1, &signals, SFD_NONBLOCK);
  if (signal_fd < 0) test_fail("signalfd");

  int pipe_ends[2];
  if (pipe(pipe_ends) != 0) test_fail("pipe");
  int epoll = epoll_create1(0);
  int inner = epoll_create1(0);
  if (epoll < 0 || inner < 0) test_fail("epoll_create1");
  watch(inner, expired, EPOLLIN, 9);
  watch(epoll, counter, EPOLLIN, 0xfeed);
  watch(epoll, pipe_ends[0], EPOLLIN | EPOLLET, 7);
  watch(epoll, inner, EPOLLIN, 9);
  printf("INFO epoll=%d\n", epoll);
  printf("INFO counter=%d\n", counter);
  test_ready();
  test_wait_check();

  /* The eventfd and the nested epoll (its timer expired) are ready; the pipe is empty. */
  expect_events(epoll, 0xfeed, 9, "after restore");
  if (read_counter(counter, "eventfd") != 5) test_fail("eventfd counter changed");
  if (write(pipe_ends[1], "x", 1) != 1) test_fail("pipe write");
  expect_events(epoll, 7, 9, "pipe written");
  expect_events(epoll, 9, 0, "edge-triggered pipe reported once");

  for (int left = 3; left > 0; left--) {
    if (read_counter(semaphore, "semaphore eventfd") != 1) test_fail("semaphore eventfd read more than 1");
  }
  uint64_t value;
  if (read(semaphore, &value, sizeof value) != -1 || errno != EAGAIN) test_fail("semaphore eventfd is not empty or blocks");

  if (read_counter(expired, "expired timerfd") != 1) test_fail("expired timerfd lost its expiration");
  struct itimerspec left;
  if (timerfd_gettime(hourly, &left) != 0) test_fail("timerfd_gettime");
  if (left.it_interval.tv_sec != 10 || left.it_value.tv_sec < 3500 || left.it_value.tv_sec > 3600) test_fail("hourly timerfd: %lds left, interval %lds", (long)left.it_value.tv_sec, (long)left.it_interval.tv_sec);
  if (read(hourly, &value, sizeof value) != -1 || errno != EAGAIN) test_fail("hourly timerfd is not non-blocking or expired");

  sigprocmask(SIG_BLOCK, &signals, NULL);
  union sigval payload = { .sival_int = 42 };
  if (sigqueue(getpid(), SIGRTMIN + 2, payload) != 0) test_fail("sigqueue");
  struct signalfd_siginfo info;
  if (read(signal_fd, &info, sizeof info) != sizeof info) test_fail("signalfd read: %s", strerror(errno));
  if (info.ssi_signo != (uint32_t)(SIGRTMIN + 2) || info.ssi_int != 42) test_fail("signalfd gave signal %u value %d", info.ssi_signo, info.ssi_int);
  test_pass();
}
