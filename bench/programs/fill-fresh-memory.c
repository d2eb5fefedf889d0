/*
 * The least a restorer pays to get a page image into memory: fresh
 * anonymous memory of the image's size, faulted in and filled with the
 * image's bytes, in one of three ways, timed from the mmap on:
 *   read      read(2) straight into the mapping (a page fault per page);
 *   populate  MADV_POPULATE_WRITE (madvise(2), Linux 5.14) first, then read(2);
 *   proc-mem  the image through a small buffer into /proc/self/mem (proc(5)),
 *             whose writes reach the pages through the kernel's own mapping.
 * Which is fastest depends on the machine: under some hypervisors a fault
 * taken by user code costs ten times what the kernel's own page walk does.
 * Prints the milliseconds.
 *
 *   fill-fresh-memory read|populate|proc-mem IMAGE
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define BUFFER_BYTES (4 << 20)

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void fail(const char *what) {
  perror(what);
  exit(1);
}

static void read_into(int image, char *memory, size_t size) {
  for (size_t done = 0; done < size;) {
    ssize_t got = pread(image, memory + done, size - done, (off_t)done);
    if (got <= 0) fail("pread");
    done += (size_t)got;
  }
}

static void write_through_proc_mem(int image, char *memory, size_t size) {
  int self = open("/proc/self/mem", O_RDWR);
  char *buffer = malloc(BUFFER_BYTES);
  if (self < 0 || buffer == NULL) fail("/proc/self/mem");
  for (size_t done = 0; done < size;) {
    size_t chunk = size - done < BUFFER_BYTES ? size - done : BUFFER_BYTES;
    if (pread(image, buffer, chunk, (off_t)done) != (ssize_t)chunk) fail("pread");
    if (pwrite(self, buffer, chunk, (off_t)(uintptr_t)(memory + done)) != (ssize_t)chunk) fail("pwrite /proc/self/mem");
    done += chunk;
  }
  free(buffer);
  close(self);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: fill-fresh-memory read|populate|proc-mem IMAGE\n");
    return 2;
  }
  int image = open(argv[2], O_RDONLY);
  struct stat st;
  if (image < 0 || fstat(image, &st) != 0) fail(argv[2]);
  size_t size = (size_t)st.st_size;
  double started = now_ms();
  char *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) fail("mmap");
  if (strcmp(argv[1], "read") == 0) {
    read_into(image, memory, size);
  } else if (strcmp(argv[1], "populate") == 0) {
    if (madvise(memory, size, MADV_POPULATE_WRITE) != 0) fail("madvise(MADV_POPULATE_WRITE)");
    read_into(image, memory, size);
  } else if (strcmp(argv[1], "proc-mem") == 0) {
    write_through_proc_mem(image, memory, size);
  } else {
    fprintf(stderr, "unknown way %s\n", argv[1]);
    return 2;
  }
  printf("%.3f\n", now_ms() - started);
  return 0;
}
