/*
 * A thread that sets up state of its own and checks it when the program is
 * asked to: `setup` runs first (start_checked_thread returns once it has),
 * `check` runs when run_thread_check asks, and returns NULL or what is
 * wrong. The thread blocks the check signal, so the main thread gets it.
 */
#ifndef AMBER_CHECKED_THREAD_H
#define AMBER_CHECKED_THREAD_H

#include "amber-test.h"
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>

enum { THREAD_SETTING_UP, THREAD_WAITING, THREAD_CHECKING, THREAD_CHECKED };

struct checked_thread {
  const char *name;
  void (*setup)(void);
  const char *(*check)(void);
  pthread_t thread;
  pid_t tid;
  int state;
  const char *failure;
};

/* Sleeps a millisecond; a restore may end the sleep early, which changes nothing here. */
static inline void nap(void) {
  struct timespec pause = { 0, 1000000L };
  nanosleep(&pause, NULL);
}

static inline void wait_for_state(struct checked_thread *t, int state) {
  while (__atomic_load_n(&t->state, __ATOMIC_SEQ_CST) != state) nap();
}

static void *checked_thread_main(void *arg) {
  struct checked_thread *t = arg;
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, CHECK_SIGNAL);
  pthread_sigmask(SIG_BLOCK, &blocked, NULL);
  t->tid = (pid_t)syscall(SYS_gettid);
  t->setup();
  __atomic_store_n(&t->state, THREAD_WAITING, __ATOMIC_SEQ_CST);
  wait_for_state(t, THREAD_CHECKING);
  t->failure = t->check();
  __atomic_store_n(&t->state, THREAD_CHECKED, __ATOMIC_SEQ_CST);
  return NULL;
}

static inline void start_checked_thread(struct checked_thread *t) {
  if (pthread_create(&t->thread, NULL, checked_thread_main, t) != 0) test_fail("pthread_create %s", t->name);
  wait_for_state(t, THREAD_WAITING);
  printf("INFO tid.%s=%d\n", t->name, t->tid);
}

/* Fails the program with the thread's own verdict. */
static inline void run_thread_check(struct checked_thread *t) {
  __atomic_store_n(&t->state, THREAD_CHECKING, __ATOMIC_SEQ_CST);
  wait_for_state(t, THREAD_CHECKED);
  if (t->failure != NULL) test_fail("thread %s: %s", t->name, t->failure);
}

#endif
