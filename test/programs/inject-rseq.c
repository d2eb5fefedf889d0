/*
 * Spins inside an rseq critical section (rseq(2)) that never commits: only
 * an abort by the kernel (after a preemption, a migration or a signal) gets
 * it out, to count the abort and enter again. The check request is such a
 * signal; if the kernel had forgotten the critical section (rseq_cs cleared
 * while the thread is inside), the program would spin forever instead of
 * printing its verdict.
 */
#include "amber-test.h"

#include <stdint.h>
#include <sys/rseq.h>

static volatile uint64_t aborts;

int main(void) {
  if (__rseq_size == 0) test_fail("glibc did not register rseq");
  struct rseq *area = (struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
  printf("INFO rseq_cs=%p\n", (void *)&area->rseq_cs);
  test_ready();
  while (!check_requested) {
    /* struct rseq_cs {version, flags, start_ip, post_commit_offset, abort_ip}; the abort label follows RSEQ_SIG. */
    __asm__ volatile(
        ".pushsection __rseq_cs, \"aw\"\n"
        ".balign 32\n"
        "1: .long 0, 0\n"
        ".quad 2f, (3f - 2f), 4f\n"
        ".popsection\n"
        "leaq 1b(%%rip), %%rax\n"
        "movq %%rax, %[cs]\n"
        "2: jmp 2b\n"
        "3:\n"
        ".long 0x53053053\n"
        "4:\n"
        : [cs] "=m"(area->rseq_cs)
        :
        : "rax", "memory");
    aborts++;
  }
  printf("INFO aborts=%lu\n", (unsigned long)aborts);
  test_pass();
}
