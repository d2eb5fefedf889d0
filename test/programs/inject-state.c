/*
 * Sets up state only the process itself can report, prints it as the kernel
 * shows it to the process (INFO lines), then waits in pause() while a 10 ms
 * ITIMER_REAL keeps firing a SIGALRM handler on the alternate stack. On the
 * check it reads everything again and fails if anything changed.
 */
#include "amber-test.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>

enum { ALTSTACK_SIZE = 64 * 1024, LAST_SIGNAL = 64, ALARM_US = 10000 };

struct kernel_sigaction {
  uint64_t handler, flags, restorer, mask;
};

static char altstack[ALTSTACK_SIZE];
static volatile sig_atomic_t alarms, alarm_off_stack;

static void on_alarm(int signal) {
  char here;
  (void)signal;
  alarms++;
  if (&here < altstack || &here >= altstack + ALTSTACK_SIZE) alarm_off_stack = 1;
}

static void on_usr1(int signal, siginfo_t *info, void *context) {
  (void)signal, (void)info, (void)context;
}

static void set_action(int signal, void (*handler)(int), int flags, int masked) {
  struct sigaction action = { .sa_handler = handler, .sa_flags = flags };
  if (masked != 0) sigaddset(&action.sa_mask, masked);
  if (sigaction(signal, &action, NULL) != 0) test_fail("sigaction(%d)", signal);
}

static void set_up(void) {
  set_action(SIGALRM, on_alarm, SA_ONSTACK | SA_RESTART, SIGTERM);
  struct sigaction usr1 = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO | SA_RESTART };
  sigaddset(&usr1.sa_mask, SIGHUP);
  sigaddset(&usr1.sa_mask, SIGRTMIN + 3);
  if (sigaction(SIGUSR1, &usr1, NULL) != 0) test_fail("sigaction(SIGUSR1)");
  set_action(SIGHUP, SIG_IGN, 0, 0);
  set_action(SIGRTMIN + 2, on_alarm, SA_NODEFER | SA_RESETHAND, 0);
  stack_t stack = { .ss_sp = altstack, .ss_size = ALTSTACK_SIZE };
  if (sigaltstack(&stack, NULL) != 0) test_fail("sigaltstack");
  struct itimerval real = { { 0, ALARM_US }, { 0, ALARM_US } };
  struct itimerval virtual = { { 60, 250000 }, { 50, 0 } };
  struct itimerval prof = { { 80, 500 }, { 70, 0 } };
  if (setitimer(ITIMER_REAL, &real, NULL) || setitimer(ITIMER_VIRTUAL, &virtual, NULL) || setitimer(ITIMER_PROF, &prof, NULL))
    test_fail("setitimer");
  if (prctl(PR_SET_NAME, "amber-state") || prctl(PR_SET_PDEATHSIG, SIGWINCH) || prctl(PR_SET_CHILD_SUBREAPER, 1) ||
      prctl(PR_SET_DUMPABLE, 0) || prctl(PR_SET_KEEPCAPS, 1) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
    test_fail("prctl: errno %d", errno);
  struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog filter = { .len = 1, .filter = &allow };
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter)) test_fail("seccomp: errno %d", errno);
}

/* Everything the process can say about its state, one line per item, into `out`. */
static void describe(char *out, size_t size) {
  size_t used = 0;
#define ADD(...) used += snprintf(out + used, size - used, __VA_ARGS__)
  for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
    struct kernel_sigaction action;
    if (signal == SIGKILL || signal == SIGSTOP) continue;
    if (syscall(SYS_rt_sigaction, signal, NULL, &action, 8) != 0) test_fail("rt_sigaction(%d)", signal);
    ADD("INFO sigaction.%d=%#lx %#lx %#lx %#lx\n", signal, action.handler, action.flags, action.restorer, action.mask);
  }
  stack_t stack;
  sigaltstack(NULL, &stack);
  ADD("INFO sigaltstack=%p %d %zu\n", stack.ss_sp, stack.ss_flags, stack.ss_size);
  for (int which = ITIMER_REAL; which <= ITIMER_PROF; which++) {
    struct itimerval timer;
    getitimer(which, &timer);
    ADD("INFO itimer.%d.interval=%ld\n", which, timer.it_interval.tv_sec * 1000000 + timer.it_interval.tv_usec);
  }
  char name[16] = "";
  int pdeathsig = 0, subreaper = 0;
  int *tid_address = NULL;
  prctl(PR_GET_NAME, name);
  prctl(PR_GET_PDEATHSIG, &pdeathsig);
  prctl(PR_GET_CHILD_SUBREAPER, &subreaper);
  prctl(PR_GET_TID_ADDRESS, &tid_address);
  ADD("INFO name=%s\nINFO pdeathsig=%d\nINFO subreaper=%d\nINFO tid_address=%p\n", name, pdeathsig, subreaper, (void *)tid_address);
  ADD("INFO dumpable=%d\nINFO keepcaps=%d\nINFO no_new_privs=%d\nINFO seccomp=%d\n", prctl(PR_GET_DUMPABLE), prctl(PR_GET_KEEPCAPS),
      prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), prctl(PR_GET_SECCOMP));
#undef ADD
}

int main(void) {
  static char before[16384], after[16384];
  set_up();
  describe(before, sizeof before);
  fputs(before, stdout);
  test_ready();
  while (!check_requested) pause();
  describe(after, sizeof after);
  if (strcmp(before, after) != 0) test_fail("state changed:\n%s", after);
  if (alarm_off_stack) test_fail("SIGALRM handler ran off the alternate stack");
  printf("INFO alarms=%d\n", (int)alarms);
  test_pass();
}
