/*
 * Four threads that each notice if anything of theirs is disturbed:
 *   - a spinner keeps an invariant in registers, flags and AVX registers
 *     (r12 == r13 == the low lane of ymm0 == the top lane of ymm1, ymm0 ==
 *     ymm1), checked every round;
 *   - a sleeper sleeps 20 ms at a time (never shorter, never EINTR) and then
 *     writes a byte to a pipe and bumps a futex word;
 *   - a reader blocks in read on that pipe and takes each byte;
 *   - a waiter blocks in FUTEX_WAIT on that word;
 *   - the main thread waits for the check in sigsuspend and then verifies
 *     that its mask is its own again.
 * At the check every thread must still make progress, and the maps and
 * open files must be those recorded once every thread was running.
 * Every syscall result is checked: an EINTR is a failure, none of these
 * threads has a handler that could explain one. No thread allocates
 * memory, so the maps stay still by themselves. Before the threads start,
 * the program fills BALLAST_MIB of memory with a known pattern, verified
 * at the check: enough for a dump to copy its pages in amber's copy
 * thread while it injects.
 */
#include "amber-test.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

enum { BALLAST_MIB = 80 };
enum { SLEEP_MS = 20, SPIN_ROUNDS = 1 << 18, SNAPSHOT_SIZE = 1 << 16, PROGRESS_WAIT_MS = 200 };

/* Runs `rounds` rounds keeping the invariant; returns 0, or 1 as soon as it is broken. */
uint64_t spin_rounds(uint64_t rounds);
__asm__(
    ".text\n"
    ".globl spin_rounds\n"
    ".type spin_rounds, @function\n"
    "spin_rounds:\n"
    "  push %r12\n"
    "  push %r13\n"
    "  mov $7, %r12\n"
    "  mov $7, %r13\n"
    "  vmovq %r12, %xmm0\n"
    "  vpbroadcastq %xmm0, %ymm0\n"
    "  vmovdqa %ymm0, %ymm1\n"
    "  mov $3, %rax\n"
    "  vmovq %rax, %xmm2\n"
    "  vpbroadcastq %xmm2, %ymm2\n"
    "1:\n"
    "  add $3, %r12\n"
    "  vpaddq %ymm2, %ymm0, %ymm0\n"
    "  add $3, %r13\n"
    "  vpaddq %ymm2, %ymm1, %ymm1\n"
    "  cmp %r12, %r13\n"
    "  jne 2f\n"
    "  vmovq %xmm0, %rax\n"
    "  cmp %rax, %r12\n"
    "  jne 2f\n"
    "  vextracti128 $1, %ymm1, %xmm3\n"
    "  vpextrq $1, %xmm3, %rax\n"
    "  cmp %rax, %r13\n"
    "  jne 2f\n"
    "  vpcmpeqq %ymm0, %ymm1, %ymm3\n"
    "  vpmovmskb %ymm3, %eax\n"
    "  cmp $-1, %eax\n"
    "  jne 2f\n"
    "  dec %rdi\n"
    "  jnz 1b\n"
    "  xor %eax, %eax\n"
    "  jmp 3f\n"
    "2:\n"
    "  mov $1, %eax\n"
    "3:\n"
    "  vzeroupper\n"
    "  pop %r13\n"
    "  pop %r12\n"
    "  ret\n"
    ".size spin_rounds, .-spin_rounds\n");

static volatile uint64_t spins, sleeps, reads, wakes;
static volatile int broken;
static volatile pid_t spinner_tid;
/* The first thing that went wrong, reported at the check. */
static const char *volatile failure;
static int pipe_fds[2];
static uint32_t futex_word;
static char maps_at_start[SNAPSHOT_SIZE], fds_at_start[SNAPSHOT_SIZE];

static void record_failure(const char *what) {
  if (failure == NULL) failure = what;
}

static void *spinner(void *unused) {
  (void)unused;
  spinner_tid = (pid_t)syscall(SYS_gettid);
  for (;;) {
    if (spin_rounds(SPIN_ROUNDS) != 0) broken = 1;
    spins++;
  }
  return NULL;
}

static long elapsed_ms(const struct timespec *since) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

static void *sleeper(void *unused) {
  (void)unused;
  for (;;) {
    struct timespec start, request = { .tv_sec = 0, .tv_nsec = SLEEP_MS * 1000000L };
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (syscall(SYS_nanosleep, &request, NULL) != 0) record_failure(errno == EINTR ? "nanosleep: EINTR" : "nanosleep failed");
    if (elapsed_ms(&start) < SLEEP_MS) record_failure("nanosleep slept too short");
    sleeps++;
    if (write(pipe_fds[1], "s", 1) != 1) record_failure(errno == EINTR ? "write: EINTR" : "write failed");
    __atomic_add_fetch(&futex_word, 1, __ATOMIC_SEQ_CST);
    if (syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) < 0) record_failure("futex wake failed");
  }
  return NULL;
}

static void *reader(void *unused) {
  (void)unused;
  for (;;) {
    char byte;
    ssize_t length = read(pipe_fds[0], &byte, 1);
    if (length == 1) reads++;
    else record_failure(length < 0 && errno == EINTR ? "read: EINTR" : "read failed");
  }
  return NULL;
}

static void *waiter(void *unused) {
  (void)unused;
  for (;;) {
    uint32_t seen = __atomic_load_n(&futex_word, __ATOMIC_SEQ_CST);
    long result = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
    if (result == 0 || errno == EAGAIN) wakes++;
    else record_failure(errno == EINTR ? "futex wait: EINTR" : "futex wait failed");
  }
  return NULL;
}

/* Reads a whole file with plain syscalls (stdio would allocate, and the heap would show in the maps). */
static void read_whole(const char *path, char *buffer) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) test_fail("open %s", path);
  size_t used = 0;
  for (ssize_t got; (got = read(fd, buffer + used, SNAPSHOT_SIZE - 1 - used)) > 0;) used += got;
  buffer[used] = '\0';
  close(fd);
}

/* "fd -> target" for every open fd, from /proc/self/fd, with plain syscalls. */
static void list_fds(char *buffer) {
  char entries[SNAPSHOT_SIZE];
  int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) test_fail("open /proc/self/fd");
  long size = syscall(SYS_getdents64, dir, entries, sizeof entries);
  size_t used = 0;
  for (long offset = 0; offset < size;) {
    unsigned short length;
    memcpy(&length, entries + offset + 16, sizeof length);
    const char *name = entries + offset + 19;
    offset += length;
    if (name[0] == '.') continue;
    char link[64], target[256];
    snprintf(link, sizeof link, "/proc/self/fd/%s", name);
    ssize_t target_length = readlink(link, target, sizeof target - 1);
    target[target_length < 0 ? 0 : target_length] = '\0';
    used += snprintf(buffer + used, SNAPSHOT_SIZE - used, "%s -> %s\n", name, target);
  }
  close(dir);
}

static void sleep_ms(long ms) {
  struct timespec request = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
  while (nanosleep(&request, &request) != 0) {
  }
}

/* Fails unless every thread's counter moves on. */
static void require_progress(void) {
  uint64_t before[4] = { spins, sleeps, reads, wakes };
  sleep_ms(PROGRESS_WAIT_MS);
  uint64_t after[4] = { spins, sleeps, reads, wakes };
  const char *names[4] = { "spinner", "sleeper", "reader", "waiter" };
  for (int i = 0; i < 4; i++)
    if (after[i] <= before[i]) test_fail("the %s made no progress", names[i]);
}

static uint64_t ballast_word(size_t i) {
  return i * 0x9e3779b97f4a7c15ULL;
}

int main(void) {
  const size_t ballast_words = ((size_t)BALLAST_MIB << 20) / sizeof(uint64_t);
  uint64_t *ballast = mmap(NULL, ballast_words * sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (ballast == MAP_FAILED) test_fail("mmap");
  for (size_t i = 0; i < ballast_words; i++) ballast[i] = ballast_word(i);
  if (pipe(pipe_fds) != 0) test_fail("pipe");
  /* Only the main thread takes the check signal: the others inherit it blocked. */
  sigset_t check_only, waiting;
  sigemptyset(&check_only);
  sigaddset(&check_only, CHECK_SIGNAL);
  sigprocmask(SIG_BLOCK, &check_only, &waiting);
  void *(*bodies[])(void *) = { spinner, sleeper, reader, waiter };
  for (int i = 0; i < 4; i++) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, bodies[i], NULL) != 0) test_fail("pthread_create");
  }
  while (spins == 0 || reads == 0 || wakes == 0) sleep_ms(5);
  read_whole("/proc/self/maps", maps_at_start);
  list_fds(fds_at_start);
  printf("INFO spinner=%d\n", spinner_tid);
  test_ready();
  sigdelset(&waiting, CHECK_SIGNAL);
  while (!check_requested) sigsuspend(&waiting);
  sigset_t now;
  sigprocmask(SIG_SETMASK, NULL, &now);
  if (!sigismember(&now, CHECK_SIGNAL)) test_fail("sigsuspend left the wrong mask");
  if (broken) test_fail("the spinner's register invariant broke");
  for (size_t i = 0; i < ballast_words; i++)
    if (ballast[i] != ballast_word(i)) test_fail("ballast word %zu changed", i);
  if (failure != NULL) test_fail("%s", failure);
  require_progress();
  static char maps_now[SNAPSHOT_SIZE], fds_now[SNAPSHOT_SIZE];
  read_whole("/proc/self/maps", maps_now);
  list_fds(fds_now);
  if (strcmp(maps_now, maps_at_start) != 0) test_fail("the maps changed:\n%s\nwere:\n%s", maps_now, maps_at_start);
  if (strcmp(fds_now, fds_at_start) != 0) test_fail("the open files changed:\n%s\nwere:\n%s", fds_now, fds_at_start);
  printf("COUNTS spins=%lu sleeps=%lu reads=%lu wakes=%lu\n", (unsigned long)spins, (unsigned long)sleeps, (unsigned long)reads,
         (unsigned long)wakes);
  test_pass();
}
