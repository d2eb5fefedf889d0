/*
 * Restore test: a counter that keeps going, and a memory pattern.
 * A page at a fixed address holds a tag and a counter bumped every 10 ms;
 * a 1 MiB anonymous buffer holds byte i = i % 251. On the check signal the
 * program verifies the tag and the whole buffer, and that the counter still
 * moves.
 */
#include "amber-test.h"
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#define STATE_ADDRESS ((void *)0x300000000000)
#define BUFFER_SIZE (1 << 20)
#define TAG "AMBER-COUNTER"

struct state {
  char tag[16];
  volatile uint64_t counter;
};

static void sleep_ms(long ms) {
  struct timespec delay = { .tv_sec = 0, .tv_nsec = ms * 1000000L };
  nanosleep(&delay, NULL);
}

int main(void) {
  struct state *state = mmap(STATE_ADDRESS, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (state != STATE_ADDRESS) test_fail("mmap of the state page");
  strcpy(state->tag, TAG);
  unsigned char *buffer = mmap(NULL, BUFFER_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buffer == MAP_FAILED) test_fail("mmap of the buffer");
  for (size_t i = 0; i < BUFFER_SIZE; i++) buffer[i] = (unsigned char)(i % 251);
  printf("INFO counter=%p\n", (void *)&state->counter);
  test_ready();
  while (!check_requested) {
    state->counter++;
    sleep_ms(10);
  }
  if (strcmp(state->tag, TAG) != 0) test_fail("the tag is now '%.16s'", state->tag);
  for (size_t i = 0; i < BUFFER_SIZE; i++) {
    if (buffer[i] != (unsigned char)(i % 251)) test_fail("buffer byte %zu is %u", i, buffer[i]);
  }
  uint64_t seen = state->counter;
  check_requested = 0;
  for (int i = 0; i < 5; i++) {
    state->counter++;
    sleep_ms(1);
  }
  if (state->counter != seen + 5) test_fail("the counter went from %llu to %llu", (unsigned long long)seen, (unsigned long long)state->counter);
  test_pass();
}
