/*
 * A counter and a pattern buffer for dump tests. A page at a fixed address
 * holds a tag, a counter bumped every 10 ms, and the address and size of a
 * 4 MiB malloc'd buffer whose byte i is i % 251. On the check signal the
 * program verifies that all of it is intact and still counting.
 */
#include "amber-test.h"
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE_HINT ((void *)0x200000000000UL)
#define BUFFER_SIZE (4UL << 20)
#define TAG "AMBER-DUMP-LOOP"

struct header {
  char tag[16];
  volatile uint64_t counter;
  unsigned char *buffer;
  uint64_t size;
};

int main(void) {
  struct header *page = mmap(PAGE_HINT, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (page != PAGE_HINT) test_fail("mmap at the hint");
  memcpy(page->tag, TAG, sizeof TAG);
  page->size = BUFFER_SIZE;
  page->buffer = malloc(BUFFER_SIZE);
  if (page->buffer == NULL) test_fail("malloc");
  for (uint64_t i = 0; i < BUFFER_SIZE; i++) page->buffer[i] = i % 251;
  printf("INFO page=%p\n", (void *)page);
  printf("INFO buffer=%p\n", (void *)page->buffer);
  printf("INFO size=%lu\n", (unsigned long)BUFFER_SIZE);
  test_ready();
  const struct timespec tick = { 0, 10 * 1000 * 1000 };
  uint64_t last = 0;
  while (!check_requested) {
    nanosleep(&tick, NULL);
    page->counter++;
    if (page->counter <= last) test_fail("counter went from %lu to %lu", (unsigned long)last, (unsigned long)page->counter);
    last = page->counter;
  }
  if (memcmp(page->tag, TAG, sizeof TAG) != 0) test_fail("tag changed");
  for (uint64_t i = 0; i < BUFFER_SIZE; i++) {
    if (page->buffer[i] != i % 251) test_fail("buffer byte %lu is %u", (unsigned long)i, page->buffer[i]);
  }
  if (page->counter < 10) test_fail("counter only reached %lu", (unsigned long)page->counter);
  test_pass();
}
