/*
 * Pending signals for restore tests. Every thread blocks SIGUSR1 and
 * SIGRTMIN+1; the process gets SIGUSR1 by kill(2) and three values on
 * SIGRTMIN+1 by sigqueue(3), and the worker thread one SIGRTMIN+1 by
 * tgkill(2). On the check signal the worker takes its own signal, then the
 * main thread the process-wide ones, each by sigtimedwait(2) without
 * waiting: every siginfo must be as sent and nothing else may be pending.
 * INFO tid.worker=TID names the worker, INFO signal.queued=N SIGRTMIN+1.
 */
#include "amber-test.h"
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <time.h>

#define QUEUED_VALUES 3

static pid_t worker_tid;
static sem_t worker_ready, worker_go, worker_done;

static unsigned long long bit(int signal) {
  return 1ULL << (signal - 1);
}

/* The SigPnd (this thread only) or ShdPnd (process-wide) mask of the calling thread. */
static unsigned long long pending_mask(const char *field) {
  FILE *status = fopen("/proc/thread-self/status", "r");
  if (status == NULL) test_fail("cannot open /proc/thread-self/status");
  char line[256];
  size_t length = strlen(field);
  unsigned long long mask = 0;
  int found = 0;
  while (fgets(line, sizeof line, status) != NULL) {
    if (strncmp(line, field, length) == 0 && line[length] == ':') found = sscanf(line + length + 1, "%llx", &mask) == 1;
  }
  fclose(status);
  if (!found) test_fail("no %s in /proc/thread-self/status", field);
  return mask;
}

/* Takes one pending signal of `signal` and checks what came with it. */
static void expect_signal(const char *who, int signal, int code, int value) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  siginfo_t info;
  const struct timespec now = { 0, 0 };
  /* The raw call: glibc's sigtimedwait reports SI_TKILL as SI_USER. */
  int got = (int)syscall(SYS_rt_sigtimedwait, &set, &info, &now, _NSIG / 8);
  if (got != signal) test_fail("%s: expected signal %d pending, sigtimedwait gave %d (%s)", who, signal, got, strerror(errno));
  if (info.si_code != code) test_fail("%s: signal %d has si_code %d, not %d", who, signal, info.si_code, code);
  if (info.si_pid != getpid() || info.si_uid != getuid()) test_fail("%s: signal %d comes from pid %d uid %d", who, signal, info.si_pid, info.si_uid);
  if (code == SI_QUEUE && info.si_value.sival_int != value) test_fail("%s: signal %d carries %d, not %d", who, signal, info.si_value.sival_int, value);
}

static void expect_nothing_more(const char *who, int signal) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal);
  const struct timespec now = { 0, 0 };
  if (syscall(SYS_rt_sigtimedwait, &set, NULL, &now, _NSIG / 8) != -1 || errno != EAGAIN) test_fail("%s: signal %d is pending once more than sent", who, signal);
}

static void *worker(void *unused) {
  (void)unused;
  worker_tid = (pid_t)syscall(SYS_gettid);
  sem_post(&worker_ready);
  while (sem_wait(&worker_go) != 0) continue;
  if (pending_mask("SigPnd") != bit(SIGRTMIN + 1)) test_fail("worker: its own pending signals are %llx", pending_mask("SigPnd"));
  expect_signal("worker", SIGRTMIN + 1, SI_TKILL, 0);
  if (pending_mask("SigPnd") != 0) test_fail("worker: signals %llx are still pending for it alone", pending_mask("SigPnd"));
  sem_post(&worker_done);
  return NULL;
}

int main(void) {
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGUSR1);
  sigaddset(&blocked, SIGRTMIN + 1);
  sigaddset(&blocked, CHECK_SIGNAL);
  if (pthread_sigmask(SIG_BLOCK, &blocked, NULL) != 0) test_fail("pthread_sigmask");
  if (sem_init(&worker_ready, 0, 0) != 0 || sem_init(&worker_go, 0, 0) != 0 || sem_init(&worker_done, 0, 0) != 0) test_fail("sem_init");
  pthread_t thread;
  if (pthread_create(&thread, NULL, worker, NULL) != 0) test_fail("pthread_create");
  while (sem_wait(&worker_ready) != 0) continue;
  printf("INFO tid.worker=%d\n", worker_tid);
  printf("INFO signal.queued=%d\n", SIGRTMIN + 1);

  if (kill(getpid(), SIGUSR1) != 0) test_fail("kill");
  for (int i = 1; i <= QUEUED_VALUES; i++) {
    if (sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = i }) != 0) test_fail("sigqueue");
  }
  if (syscall(SYS_tgkill, getpid(), worker_tid, SIGRTMIN + 1) != 0) test_fail("tgkill");
  test_ready();
  test_wait_check();

  sem_post(&worker_go);
  while (sem_wait(&worker_done) != 0) continue;
  unsigned long long shared = pending_mask("ShdPnd");
  if (shared != (bit(SIGUSR1) | bit(SIGRTMIN + 1))) test_fail("main: process-wide pending signals are %llx", shared);
  expect_signal("main", SIGUSR1, SI_USER, 0);
  expect_nothing_more("main", SIGUSR1);
  for (int i = 1; i <= QUEUED_VALUES; i++) expect_signal("main", SIGRTMIN + 1, SI_QUEUE, i);
  expect_nothing_more("main", SIGRTMIN + 1);
  if (pending_mask("ShdPnd") != 0) test_fail("main: signals %llx are still pending", pending_mask("ShdPnd"));
  test_pass();
}
