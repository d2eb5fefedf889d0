/*
 * Threads parked in named functions, for core-file tests: one waits on a
 * condition variable that is never signalled, one sleeps, one polls nothing.
 * Each prints INFO tid.FUNCTION=TID and the program waits until all three
 * sleep in the kernel before READY. INFO counter=N is the value of the global
 * `counter`, which stays put from then on.
 */
#include "amber-test.h"
#include <poll.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>

#define THREADS 3

volatile long counter;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static volatile pid_t tids[THREADS];

static void announce(int index, const char *function) {
  tids[index] = (pid_t)syscall(SYS_gettid);
  printf("INFO tid.%s=%d\n", function, (int)tids[index]);
}

__attribute__((noinline)) static void *waiting_on_condition(void *unused) {
  announce(0, __func__);
  pthread_mutex_lock(&lock);
  for (;;) pthread_cond_wait(&never, &lock);
  return unused;
}

__attribute__((noinline)) static void *sleeping_in_nanosleep(void *unused) {
  announce(1, __func__);
  const struct timespec second = { 1, 0 };
  for (;;) nanosleep(&second, NULL);
  return unused;
}

__attribute__((noinline)) static void *polling_nothing(void *unused) {
  announce(2, __func__);
  for (;;) poll(NULL, 0, -1);
  return unused;
}

/* Whether /proc says the thread sleeps (state S). */
static int sleeping(pid_t tid) {
  char path[64], stat[256];
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
  FILE *file = fopen(path, "r");
  if (file == NULL) return 0;
  size_t length = fread(stat, 1, sizeof stat - 1, file);
  fclose(file);
  stat[length] = '\0';
  const char *state = strrchr(stat, ')');
  return state != NULL && state[1] == ' ' && state[2] == 'S';
}

int main(void) {
  /* Only the main thread may take the check signal: the threads inherit it blocked. */
  sigset_t check;
  sigemptyset(&check);
  sigaddset(&check, CHECK_SIGNAL);
  if (pthread_sigmask(SIG_BLOCK, &check, NULL) != 0) test_fail("pthread_sigmask");
  void *(*bodies[THREADS])(void *) = { waiting_on_condition, sleeping_in_nanosleep, polling_nothing };
  for (int i = 0; i < THREADS; i++) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, bodies[i], NULL) != 0) test_fail("pthread_create");
  }
  for (int i = 0; i < THREADS; i++) {
    while (tids[i] == 0 || !sleeping(tids[i])) usleep(1000);
  }
  counter = 1000L * getpid() + 7;
  printf("INFO counter=%ld\n", counter);
  pthread_sigmask(SIG_UNBLOCK, &check, NULL);
  test_ready();
  long before = counter;
  test_wait_check();
  if (counter != before) test_fail("counter changed");
  test_pass();
}
