/*
 * Threads for dump tests: one sleeps in a loop with a sigaltstack set, one
 * spins with SIGUSR1 blocked, one keeps creating and joining short-lived
 * threads. Each counts its rounds. On the check signal the program verifies
 * that every counter still moves and the alternate stack and mask are kept.
 * INFO tid.NAME=TID names the threads, INFO robust.NAME=ADDRESS the robust
 * futex list each registered (glibc does it for every thread).
 */
#include "amber-test.h"
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#define ALT_STACK_SIZE 65536

static volatile uint64_t rounds[3];
static char alt_stack[ALT_STACK_SIZE];

static void announce(const char *name) {
  void *robust_head;
  size_t robust_length;
  if (syscall(SYS_get_robust_list, 0, &robust_head, &robust_length) != 0) test_fail("get_robust_list");
  printf("INFO robust.%s=%p\n", name, robust_head);
  printf("INFO tid.%s=%ld\n", name, (long)syscall(SYS_gettid));
}

static void *sleeper(void *unused) {
  (void)unused;
  stack_t stack = { .ss_sp = alt_stack, .ss_size = ALT_STACK_SIZE, .ss_flags = 0 };
  if (sigaltstack(&stack, NULL) != 0) test_fail("sigaltstack");
  printf("INFO alt_stack=%p\n", (void *)alt_stack);
  announce("sleeper");
  const struct timespec tick = { 0, 5 * 1000 * 1000 };
  for (;;) {
    nanosleep(&tick, NULL);
    stack_t now;
    if (sigaltstack(NULL, &now) != 0 || now.ss_sp != alt_stack || now.ss_size != ALT_STACK_SIZE) test_fail("sigaltstack changed");
    rounds[0]++;
  }
  return NULL;
}

static void *spinner(void *unused) {
  (void)unused;
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGUSR1);
  if (pthread_sigmask(SIG_BLOCK, &blocked, NULL) != 0) test_fail("pthread_sigmask");
  announce("spinner");
  for (;;) {
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    if (!sigismember(&now, SIGUSR1)) test_fail("spinner mask changed");
    rounds[1]++;
  }
  return NULL;
}

static void *nothing(void *unused) {
  return unused;
}

static void *churner(void *unused) {
  (void)unused;
  announce("churner");
  for (;;) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, nothing, NULL) != 0 || pthread_join(thread, NULL) != 0) test_fail("churn");
    rounds[2]++;
  }
  return NULL;
}

int main(void) {
  /* Only the main thread may take the check signal: the threads inherit it blocked. */
  sigset_t check;
  sigemptyset(&check);
  sigaddset(&check, CHECK_SIGNAL);
  if (pthread_sigmask(SIG_BLOCK, &check, NULL) != 0) test_fail("pthread_sigmask");
  void *(*bodies[])(void *) = { sleeper, spinner, churner };
  for (int i = 0; i < 3; i++) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, bodies[i], NULL) != 0) test_fail("pthread_create");
  }
  while (rounds[0] == 0 || rounds[1] == 0 || rounds[2] == 0) usleep(1000);
  test_ready();
  test_wait_check();
  uint64_t before[3] = { rounds[0], rounds[1], rounds[2] };
  /* Each thread must count on; on a loaded machine a round may take a while, so allow up to 2 s. */
  for (int i = 0; i < 3; i++) {
    for (int waited = 0; rounds[i] == before[i] && waited < 2000; waited += 10) usleep(10 * 1000);
    if (rounds[i] == before[i]) test_fail("thread %d stopped counting", i);
  }
  test_pass();
}
