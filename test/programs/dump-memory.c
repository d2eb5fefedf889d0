/*
 * N MiB (the argument) of pseudo-random anonymous memory, for dump tests and
 * benchmarks; 0 gives a small program. It keeps a checksum and verifies it
 * on the check signal.
 */
#include "amber-test.h"
#include <stdint.h>
#include <sys/mman.h>

static uint64_t checksum(const uint64_t *words, size_t count) {
  uint64_t sum = 0;
  for (size_t i = 0; i < count; i++) sum = sum * 31 + words[i];
  return sum;
}

int main(int argc, char **argv) {
  if (argc != 2) test_fail("usage: dump-memory MIB");
  size_t bytes = strtoul(argv[1], NULL, 10) << 20;
  size_t count = bytes / sizeof(uint64_t);
  uint64_t *words = NULL;
  if (bytes > 0) {
    words = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (words == MAP_FAILED) test_fail("mmap %zu bytes", bytes);
  }
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (size_t i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    words[i] = state;
  }
  uint64_t expected = checksum(words, count);
  printf("INFO address=%p\n", (void *)words);
  test_ready();
  test_wait_check();
  if (checksum(words, count) != expected) test_fail("the memory changed");
  test_pass();
}
