/*
 * Blocks in pause with its stack pointer 1 KiB above the start of a
 * mapping of its own: too little room below the red zone for amber's
 * signal frame. The check signal is taken on an alternate stack.
 */
#include "amber-test.h"

#include <sys/mman.h>

enum { MAPPING_SIZE = 2 * 4096, STACK_ROOM = 1024 };

static char alternate_stack[1 << 16];

int main(void) {
  char *cramped = mmap(NULL, MAPPING_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (cramped == MAP_FAILED) test_fail("mmap");
  stack_t alternate = { .ss_sp = alternate_stack, .ss_size = sizeof alternate_stack };
  struct sigaction action = { .sa_handler = on_check_signal, .sa_flags = SA_ONSTACK };
  if (sigaltstack(&alternate, NULL) != 0 || sigaction(CHECK_SIGNAL, &action, NULL) != 0) test_fail("sigaltstack");
  printf("INFO cramped=%p\n", (void *)cramped);
  test_ready();
  /* pause(2) until the check, with rsp inside the cramped mapping. */
  __asm__ volatile(
      "mov %%rsp, %%rbx\n"
      "mov %[top], %%rsp\n"
      "1: mov $34, %%eax\n"
      "syscall\n"
      "cmpl $0, (%[requested])\n"
      "je 1b\n"
      "mov %%rbx, %%rsp\n"
      :
      : [top] "r"(cramped + STACK_ROOM), [requested] "r"(&check_requested)
      : "rax", "rbx", "rcx", "r11", "memory");
  test_pass();
}
