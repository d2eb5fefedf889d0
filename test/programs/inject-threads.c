/*
 * Threads that keep working while one of them is injected into:
 *   - a sleeper: nanosleep loop, each sleep neither short nor much too long;
 *   - a spinner: pure user-space arithmetic whose every round is checked, so
 *     a register changed under it shows;
 *   - a churner: creates and joins short-lived threads, so threads appear
 *     and disappear all the time.
 * INFO tid.NAME=TID names them; the main thread waits for the check.
 */
#include "amber-test.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

enum { SLEEP_MS = 50, SLEEP_SLACK_MS = 200, SPIN_ROUND = 1000000 };

static volatile int ready_threads;
static volatile uint64_t sleeps, spins, churns;

static long elapsed_ms(const struct timespec *since) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

static void announce(const char *name) {
  printf("INFO tid.%s=%ld\n", name, (long)syscall(SYS_gettid));
  __atomic_add_fetch(&ready_threads, 1, __ATOMIC_SEQ_CST);
}

static void *sleeper(void *unused) {
  (void)unused;
  announce("sleeper");
  while (!check_requested) {
    struct timespec start, request = { 0, SLEEP_MS * 1000000L };
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (syscall(SYS_nanosleep, &request, NULL) != 0) test_fail("sleeper: nanosleep errno %d", errno);
    long slept = elapsed_ms(&start);
    if (slept < SLEEP_MS || slept > SLEEP_MS + SLEEP_SLACK_MS) test_fail("sleeper slept %ld ms", slept);
    sleeps++;
  }
  return NULL;
}

static void *spinner(void *unused) {
  (void)unused;
  announce("spinner");
  while (!check_requested) {
    uint64_t sum = 0, odd = 0;
    for (uint64_t i = 0; i < SPIN_ROUND; i++) {
      sum += i;
      odd += i & 1;
      __asm__ volatile("" : "+r"(sum), "+r"(odd));
    }
    if (sum != (uint64_t)SPIN_ROUND * (SPIN_ROUND - 1) / 2 || odd != SPIN_ROUND / 2) test_fail("spinner computed %lu, %lu", sum, odd);
    spins++;
  }
  return NULL;
}

/* Lives 2 ms: long enough to be seen in /proc, short enough to end while amber looks at it. */
static void *short_lived(void *unused) {
  struct timespec moment = { 0, 2000000 };
  nanosleep(&moment, NULL);
  return unused;
}

static void *churner(void *unused) {
  (void)unused;
  announce("churner");
  while (!check_requested) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, short_lived, NULL) != 0 || pthread_join(thread, NULL) != 0) test_fail("churner");
    churns++;
  }
  return NULL;
}

int main(void) {
  void *(*bodies[])(void *) = { sleeper, spinner, churner };
  enum { WORKERS = sizeof bodies / sizeof bodies[0] };
  pthread_t workers[WORKERS];
  sigset_t check, previous;
  /* The check signal goes to the main thread only; the workers see the flag. */
  sigemptyset(&check);
  sigaddset(&check, CHECK_SIGNAL);
  pthread_sigmask(SIG_BLOCK, &check, &previous);
  for (int i = 0; i < WORKERS; i++) {
    if (pthread_create(&workers[i], NULL, bodies[i], NULL) != 0) test_fail("pthread_create");
  }
  pthread_sigmask(SIG_SETMASK, &previous, NULL);
  while (ready_threads < WORKERS) sched_yield();
  test_ready();
  test_wait_check();
  for (int i = 0; i < WORKERS; i++) pthread_join(workers[i], NULL);
  printf("INFO sleeps=%lu\nINFO spins=%lu\nINFO churns=%lu\n", sleeps, spins, churns);
  if (sleeps == 0 || spins == 0 || churns == 0) test_fail("a worker made no progress");
  test_pass();
}
