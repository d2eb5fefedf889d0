/*
 * POSIX timers for restore tests: a periodic CLOCK_MONOTONIC timer sends
 * SIGRTMIN with TICK_VALUE to the process every TICK_MS, and a one-shot
 * CLOCK_REALTIME timer sends SIGRTMIN+2 with ONE_SHOT_VALUE to the worker
 * thread alone (SIGEV_THREAD_ID) ONE_SHOT_MS after the start; a silent
 * timer (SIGEV_NONE) only counts down from SILENT_MS. On the check signal
 * the program checks that the timers still answer to their ids with their
 * interval, that ticks keep coming with their value, that the one-shot
 * fires exactly once, in the worker, and that the silent timer has about
 * the time left it had.
 * INFO timer.periodic=ID timer.one_shot=ID timer.silent=ID tid.worker=TID
 */
#include "amber-test.h"
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#define TICK_MS 20
#define TICK_VALUE 0x7e57
#define ONE_SHOT_MS 2500
#define ONE_SHOT_VALUE 0x0a1e
#define ONE_SHOT_WAIT_MS 5000
#define TICKS_WATCHED_MS 300
#define MIN_TICKS_WATCHED 5
#define SKIPPED_IDS 7
#define SILENT_MS 60000
#define SILENT_INTERVAL_MS 1000
/* How much of the silent timer's time may pass before the check: the test takes far less. */
#define SILENT_SPENT_MS 20000

static timer_t periodic, one_shot, silent;
static pid_t worker_tid;
static sem_t worker_ready;
static volatile sig_atomic_t ticks, bad_ticks, one_shots, one_shot_elsewhere, one_shot_bad_value;

static void on_tick(int signal, siginfo_t *info, void *context) {
  (void)signal;
  (void)context;
  if (info->si_code == SI_TIMER && info->si_value.sival_int == TICK_VALUE) ticks++;
  else bad_ticks++;
}

static void on_one_shot(int signal, siginfo_t *info, void *context) {
  (void)signal;
  (void)context;
  one_shots++;
  if ((pid_t)syscall(SYS_gettid) != worker_tid) one_shot_elsewhere++;
  if (info->si_code != SI_TIMER || info->si_value.sival_int != ONE_SHOT_VALUE) one_shot_bad_value++;
}

static void *worker(void *unused) {
  (void)unused;
  worker_tid = (pid_t)syscall(SYS_gettid);
  sigset_t own;
  sigemptyset(&own);
  sigaddset(&own, SIGRTMIN + 2);
  if (pthread_sigmask(SIG_UNBLOCK, &own, NULL) != 0) test_fail("pthread_sigmask");
  sem_post(&worker_ready);
  for (;;) pause();
  return NULL;
}

static void handle(int signal, void (*handler)(int, siginfo_t *, void *)) {
  struct sigaction action = { .sa_sigaction = handler, .sa_flags = SA_SIGINFO | SA_RESTART };
  if (sigaction(signal, &action, NULL) != 0) test_fail("sigaction(%d)", signal);
}

static timer_t create_timer(clockid_t clock, struct sigevent *event, long first_ms, long interval_ms) {
  timer_t timer;
  if (timer_create(clock, event, &timer) != 0) test_fail("timer_create: %s", strerror(errno));
  struct itimerspec setting = {
    .it_interval = { interval_ms / 1000, (interval_ms % 1000) * 1000000 },
    .it_value = { first_ms / 1000, (first_ms % 1000) * 1000000 },
  };
  if (timer_settime(timer, 0, &setting, NULL) != 0) test_fail("timer_settime: %s", strerror(errno));
  return timer;
}

static int64_t now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Sleeps `ms` whatever signals arrive meanwhile. */
static void sleep_ms(int64_t ms) {
  int64_t end = now_ms() + ms;
  while (now_ms() < end) usleep(1000);
}

/* Checks the timer's interval and returns the time it has left, in ms. */
static long check_timer(const char *name, timer_t timer, long interval_ms) {
  struct itimerspec setting;
  if (timer_gettime(timer, &setting) != 0) test_fail("timer_gettime(%s): %s", name, strerror(errno));
  long interval = setting.it_interval.tv_sec * 1000 + setting.it_interval.tv_nsec / 1000000;
  if (interval != interval_ms) test_fail("%s timer has an interval of %ld ms, not %ld", name, interval, interval_ms);
  return setting.it_value.tv_sec * 1000 + setting.it_value.tv_nsec / 1000000;
}

int main(void) {
  /* The worker alone takes the one-shot's signal; the main thread the ticks and the check signal. */
  sigset_t blocked;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGRTMIN + 2);
  if (pthread_sigmask(SIG_BLOCK, &blocked, NULL) != 0) test_fail("pthread_sigmask");
  handle(SIGRTMIN, on_tick);
  handle(SIGRTMIN + 2, on_one_shot);
  if (sem_init(&worker_ready, 0, 0) != 0) test_fail("sem_init");
  pthread_t thread;
  if (pthread_create(&thread, NULL, worker, NULL) != 0) test_fail("pthread_create");
  while (sem_wait(&worker_ready) != 0) continue;

  /* Ids are handed out in increasing order: these make the test timers' ids ones a fresh process would not get. */
  for (int i = 0; i < SKIPPED_IDS; i++) {
    struct sigevent silent = { .sigev_notify = SIGEV_NONE };
    timer_t skipped;
    if (timer_create(CLOCK_MONOTONIC, &silent, &skipped) != 0 || timer_delete(skipped) != 0) test_fail("timer_create/timer_delete: %s", strerror(errno));
  }
  struct sigevent to_process = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN, .sigev_value.sival_int = TICK_VALUE };
  periodic = create_timer(CLOCK_MONOTONIC, &to_process, TICK_MS, TICK_MS);
  struct sigevent to_worker = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGRTMIN + 2, .sigev_value.sival_int = ONE_SHOT_VALUE };
  to_worker._sigev_un._tid = worker_tid;
  one_shot = create_timer(CLOCK_REALTIME, &to_worker, ONE_SHOT_MS, 0);
  struct sigevent no_signal = { .sigev_notify = SIGEV_NONE };
  silent = create_timer(CLOCK_MONOTONIC, &no_signal, SILENT_MS, SILENT_INTERVAL_MS);
  printf("INFO timer.periodic=%d\n", (int)(intptr_t)periodic);
  printf("INFO timer.one_shot=%d\n", (int)(intptr_t)one_shot);
  printf("INFO timer.silent=%d\n", (int)(intptr_t)silent);
  printf("INFO tid.worker=%d\n", worker_tid);
  while (ticks == 0) usleep(1000);
  test_ready();
  test_wait_check();

  check_timer("periodic", periodic, TICK_MS);
  check_timer("one-shot", one_shot, 0);
  long silent_left = check_timer("silent", silent, SILENT_INTERVAL_MS);
  if (silent_left > SILENT_MS || silent_left < SILENT_MS - SILENT_SPENT_MS) test_fail("the silent timer has %ld ms left of %d", silent_left, SILENT_MS);
  int before = ticks;
  sleep_ms(TICKS_WATCHED_MS);
  if (ticks - before < MIN_TICKS_WATCHED) test_fail("only %d ticks in %d ms", ticks - before, TICKS_WATCHED_MS);
  if (bad_ticks != 0) test_fail("%d ticks came without the timer's value", (int)bad_ticks);
  int64_t deadline = now_ms() + ONE_SHOT_WAIT_MS;
  while (one_shots == 0 && now_ms() < deadline) usleep(1000);
  sleep_ms(TICKS_WATCHED_MS);
  if (one_shots != 1) test_fail("the one-shot timer fired %d times", (int)one_shots);
  if (one_shot_elsewhere != 0) test_fail("the one-shot timer's signal reached another thread than the worker");
  if (one_shot_bad_value != 0) test_fail("the one-shot timer's signal came without its value");
  test_pass();
}
