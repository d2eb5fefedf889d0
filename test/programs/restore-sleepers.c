/*
 * Threads asleep in calls that the kernel restarts through their restart
 * block, for restore tests, each by the raw syscall for SLEEP_MS:
 * nanosleep(&ts, &ts), clock_nanosleep relative with a rem of its own and
 * without one, poll with a timeout and a FUTEX_WAIT with a timeout. READY
 * comes HEAD_START_MS after all of them fell asleep. On the check signal
 * (after a restore) the program waits for every call to end and checks
 * that each ended as it does when left alone (no EINTR), not before
 * SLEEP_MS, and not later than it should: a call that knows the time it
 * has left (rem) by no more than the time between READY and the check,
 * the others by no more than one SLEEP_MS more, as they start their
 * timeout again.
 * INFO tid.NAME=TID names each sleeping thread.
 */
#include "amber-test.h"
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#define SLEEP_MS 5000
/* How long they sleep before READY: a call that started its whole timeout again would end that much late. */
#define HEAD_START_MS 1500
#define SLACK_MS 500
#define NS_PER_MS 1000000LL

struct sleeper {
  const char *name;
  long nr;
  long (*call)(struct sleeper *);
  /* What the call gives when it sleeps its whole time: 0, or -1 with ETIMEDOUT. */
  long expected;
  int expected_errno;
  /* The kernel writes the time left into the call's rem argument. */
  int keeps_rest;
  struct timespec time, rest;
  int futex_word;
  pid_t tid;
  int64_t start_ns, end_ns;
  long result;
  int error;
};

static const struct timespec sleep_time = { SLEEP_MS / 1000, (SLEEP_MS % 1000) * NS_PER_MS };

static long call_nanosleep(struct sleeper *self) {
  return syscall(SYS_nanosleep, &self->time, &self->time);
}

static long call_clock_nanosleep_rem(struct sleeper *self) {
  return syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &self->time, &self->rest);
}

static long call_clock_nanosleep(struct sleeper *self) {
  return syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &self->time, NULL);
}

static long call_poll(struct sleeper *self) {
  (void)self;
  return syscall(SYS_poll, NULL, 0, SLEEP_MS);
}

static long call_futex(struct sleeper *self) {
  return syscall(SYS_futex, &self->futex_word, FUTEX_WAIT_PRIVATE, 0, &self->time, NULL, 0);
}

static struct sleeper sleepers[] = {
  { .name = "nanosleep", .nr = SYS_nanosleep, .call = call_nanosleep, .keeps_rest = 1 },
  { .name = "clock_nanosleep_rem", .nr = SYS_clock_nanosleep, .call = call_clock_nanosleep_rem, .keeps_rest = 1 },
  { .name = "clock_nanosleep", .nr = SYS_clock_nanosleep, .call = call_clock_nanosleep },
  { .name = "poll", .nr = SYS_poll, .call = call_poll },
  { .name = "futex", .nr = SYS_futex, .call = call_futex, .expected = -1, .expected_errno = ETIMEDOUT },
};
#define SLEEPERS (sizeof sleepers / sizeof sleepers[0])

static sem_t started;

static int64_t now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
}

static void *sleep_once(void *argument) {
  struct sleeper *self = argument;
  self->tid = (pid_t)syscall(SYS_gettid);
  self->time = sleep_time;
  self->start_ns = now_ns();
  sem_post(&started);
  self->result = self->call(self);
  self->error = errno;
  self->end_ns = now_ns();
  return NULL;
}

/* Whether the thread is inside syscall `nr` (/proc/PID/task/TID/syscall then starts with its number). */
static int asleep_in(pid_t tid, long nr) {
  char path[64], text[256];
  snprintf(path, sizeof path, "/proc/self/task/%d/syscall", tid);
  FILE *file = fopen(path, "r");
  if (file == NULL) test_fail("cannot open %s", path);
  int in_call = fgets(text, sizeof text, file) != NULL && atol(text) == nr;
  fclose(file);
  return in_call;
}

static void check(const struct sleeper *self, int64_t ready_ns, int64_t check_ns) {
  int64_t slept = self->end_ns - self->start_ns;
  int64_t requested = SLEEP_MS * NS_PER_MS;
  if (self->result != self->expected || (self->expected == -1 && self->error != self->expected_errno)) {
    test_fail("%s returned %ld (%s)", self->name, self->result, strerror(self->error));
  }
  if (self->end_ns < check_ns) test_fail("%s ended before the check", self->name);
  if (slept < requested) test_fail("%s slept %lld ms of %d", self->name, (long long)(slept / NS_PER_MS), SLEEP_MS);
  int64_t latest = self->keeps_rest ? requested + (check_ns - ready_ns) : (check_ns - self->start_ns) + requested;
  if (slept > latest + SLACK_MS * NS_PER_MS) {
    test_fail("%s slept %lld ms, more than %lld", self->name, (long long)(slept / NS_PER_MS), (long long)(latest / NS_PER_MS + SLACK_MS));
  }
}

int main(void) {
  /* The sleepers inherit the check signal blocked: only the main thread takes it. */
  sigset_t check_signal;
  sigemptyset(&check_signal);
  sigaddset(&check_signal, CHECK_SIGNAL);
  if (pthread_sigmask(SIG_BLOCK, &check_signal, NULL) != 0) test_fail("pthread_sigmask");
  if (sem_init(&started, 0, 0) != 0) test_fail("sem_init");
  pthread_t threads[SLEEPERS];
  for (size_t i = 0; i < SLEEPERS; i++) {
    if (pthread_create(&threads[i], NULL, sleep_once, &sleepers[i]) != 0) test_fail("pthread_create");
    while (sem_wait(&started) != 0) continue;
    printf("INFO tid.%s=%d\n", sleepers[i].name, sleepers[i].tid);
  }
  for (size_t i = 0; i < SLEEPERS; i++) {
    while (!asleep_in(sleepers[i].tid, sleepers[i].nr)) usleep(1000);
  }
  usleep(HEAD_START_MS * 1000);
  int64_t ready_ns = now_ns();
  test_ready();
  test_wait_check();
  int64_t check_ns = now_ns();
  for (size_t i = 0; i < SLEEPERS; i++) {
    if (pthread_join(threads[i], NULL) != 0) test_fail("pthread_join");
  }
  for (size_t i = 0; i < SLEEPERS; i++) check(&sleepers[i], ready_ns, check_ns);
  test_pass();
}
