/*
 * Restore test: four children that share kernel objects with their parent
 * without being its threads. One shares the fd table (CLONE_FILES), one
 * cwd, root and umask (CLONE_FS), both made with the raw clone syscall;
 * one shares the address space (CLONE_VM), one that and the signal
 * handlers (CLONE_VM | CLONE_SIGHAND), each on a stack of its own.
 * Each child does what its parent asks over a pipe. Before READY the
 * files child opens /dev/zero and the fs child moves to DIR and sets the
 * umask to 077. On the check signal the parent finds those, has the files
 * child open and close an fd, the fs child change directory and umask,
 * the memory child write a variable and read one and the handlers child
 * report the handler the parent just set; it sees each change in itself
 * and asks kcmp(2) what they share.
 */
#include "amber-test.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define INNER "inner"
#define UMASK_BEFORE 077
#define UMASK_AFTER 027
#define WRITTEN_BY_PARENT 5678
#define WRITTEN_BY_CHILD 1234

struct helper {
  pid_t pid;
  int commands[2];
  int answers[2];
};

static char dir[PATH_MAX];
static int last_opened = -1;
/* Plain private memory: only one address space makes the two see each other's writes. */
static volatile int written_by_parent, written_by_child;
static char stacks[2][1 << 16] __attribute__((aligned(16)));

static void on_usr1(int signal) {
  (void)signal;
}

static int obey(char command) {
  switch (command) {
  case 'z':
    return open("/dev/zero", O_RDONLY);
  case 'o':
    return last_opened = open("/dev/null", O_RDONLY);
  case 'c':
    return close(last_opened);
  case 'd':
    return chdir(dir);
  case 'i':
    return chdir(INNER);
  case 'u':
    umask(UMASK_BEFORE);
    return 0;
  case 'v':
    umask(UMASK_AFTER);
    return 0;
  case 'w':
    written_by_child = WRITTEN_BY_CHILD;
    return 0;
  case 'r':
    return written_by_parent;
  case 'h': {
    struct sigaction action;
    if (sigaction(SIGUSR1, NULL, &action) != 0) return -1;
    return action.sa_handler == on_usr1;
  }
  default:
    return -1;
  }
}

/* The child's life: one command at a time from the parent, each answered with its result. */
__attribute__((noreturn)) static void serve(const struct helper *helper) {
  for (;;) {
    char command;
    ssize_t got = read(helper->commands[0], &command, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got != 1) _exit(1);
    int result = obey(command);
    if (write(helper->answers[1], &result, sizeof result) != sizeof result) _exit(1);
  }
}

static int serve_from_own_stack(void *helper) {
  serve(helper);
}

/* A child sharing the address space runs on `stack`, one of `stacks`. */
static void start(struct helper *helper, unsigned long flags, char *stack) {
  if (pipe(helper->commands) != 0 || pipe(helper->answers) != 0) test_fail("pipe");
  long pid;
  if (flags & CLONE_VM) {
    pid = clone(serve_from_own_stack, stack + sizeof stacks[0], flags | SIGCHLD, helper);
  } else {
    /* Without CLONE_VM the child runs on a copy of the stack, as after fork. */
    pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0) serve(helper);
  }
  if (pid < 0) test_fail("clone(%#lx): %s", flags, strerror(errno));
  helper->pid = (pid_t)pid;
}

static int ask(const struct helper *helper, char command) {
  if (write(helper->commands[1], &command, 1) != 1) test_fail("sending '%c' to %d", command, helper->pid);
  int result;
  ssize_t got;
  do got = read(helper->answers[0], &result, sizeof result);
  while (got < 0 && errno == EINTR);
  if (got != sizeof result) test_fail("no answer to '%c' from %d", command, helper->pid);
  if (result < 0) test_fail("'%c' failed in %d", command, helper->pid);
  return result;
}

static void require_fd_target(int fd, const char *target) {
  char link[64], found[PATH_MAX] = { 0 };
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  if (readlink(link, found, sizeof found - 1) < 0) test_fail("the parent has no fd %d", fd);
  if (strcmp(found, target) != 0) test_fail("the parent's fd %d is %s, not %s", fd, found, target);
}

static void require_cwd(const char *expected) {
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd) == NULL) test_fail("getcwd");
  if (strcmp(cwd, expected) != 0) test_fail("the parent's cwd is %s, not %s", cwd, expected);
}

static void require_umask(mode_t expected) {
  mode_t mask = umask(expected);
  if (mask != expected) test_fail("the parent's umask is %03o, not %03o", (unsigned)mask, (unsigned)expected);
}

static void require_kcmp(pid_t child, int type, const char *what, int shared) {
  long order = syscall(SYS_kcmp, getpid(), child, type, 0, 0);
  if (order < 0) test_fail("kcmp %s with %d: %s", what, child, strerror(errno));
  if ((order == 0) != shared) test_fail("kcmp says the parent %s %s with %d", shared ? "does not share its" : "shares its", what, child);
}

static void end(const struct helper *helper) {
  kill(helper->pid, SIGKILL);
  if (waitpid(helper->pid, NULL, 0) != helper->pid) test_fail("could not reap %d", helper->pid);
}

int main(int argc, char **argv) {
  if (argc != 2) test_fail("usage: restore-shared-tables DIR");
  if (realpath(argv[1], dir) == NULL) test_fail("realpath %s", argv[1]);
  char inner[PATH_MAX + sizeof INNER + 1];
  snprintf(inner, sizeof inner, "%s/%s", dir, INNER);
  if (mkdir(inner, 0700) != 0) test_fail("mkdir %s", inner);
  struct helper files, fs, memory, handlers;
  start(&files, CLONE_FILES, NULL);
  start(&fs, CLONE_FS, NULL);
  start(&memory, CLONE_VM, stacks[0]);
  start(&handlers, CLONE_VM | CLONE_SIGHAND, stacks[1]);
  int zero = ask(&files, 'z');
  ask(&fs, 'd');
  ask(&fs, 'u');
  printf("INFO files_child=%d\n", files.pid);
  printf("INFO fs_child=%d\n", fs.pid);
  printf("INFO memory_child=%d\n", memory.pid);
  printf("INFO handlers_child=%d\n", handlers.pid);
  printf("INFO zero=%d\n", zero);
  test_ready();
  test_wait_check();

  require_kcmp(files.pid, KCMP_FILES, "fd table", 1);
  require_kcmp(files.pid, KCMP_FS, "fs info", 0);
  require_kcmp(fs.pid, KCMP_FS, "fs info", 1);
  require_kcmp(fs.pid, KCMP_FILES, "fd table", 0);
  require_kcmp(memory.pid, KCMP_VM, "address space", 1);
  require_kcmp(memory.pid, KCMP_FILES, "fd table", 0);
  require_kcmp(files.pid, KCMP_VM, "address space", 0);
  require_kcmp(memory.pid, KCMP_SIGHAND, "signal handlers", 0);
  require_kcmp(handlers.pid, KCMP_SIGHAND, "signal handlers", 1);
  require_kcmp(handlers.pid, KCMP_VM, "address space", 1);
  require_fd_target(zero, "/dev/zero");
  int opened = ask(&files, 'o');
  require_fd_target(opened, "/dev/null");
  ask(&files, 'c');
  if (fcntl(opened, F_GETFD) != -1 || errno != EBADF) test_fail("fd %d, closed by the files child, is still open in the parent", opened);
  require_cwd(dir);
  require_umask(UMASK_BEFORE);
  ask(&fs, 'i');
  require_cwd(inner);
  ask(&fs, 'v');
  require_umask(UMASK_AFTER);
  written_by_parent = WRITTEN_BY_PARENT;
  int read_by_child = ask(&memory, 'r');
  if (read_by_child != WRITTEN_BY_PARENT) test_fail("the memory child read %d where the parent wrote %d", read_by_child, WRITTEN_BY_PARENT);
  if (written_by_child != 0) test_fail("the memory child wrote before it was asked");
  ask(&memory, 'w');
  if (written_by_child != WRITTEN_BY_CHILD) test_fail("the parent reads %d where the memory child wrote %d", written_by_child, WRITTEN_BY_CHILD);
  struct sigaction action = { .sa_handler = on_usr1 };
  if (sigaction(SIGUSR1, &action, NULL) != 0) test_fail("sigaction(SIGUSR1)");
  if (ask(&handlers, 'h') != 1) test_fail("the handlers child does not have the handler the parent set for SIGUSR1");
  if (ask(&memory, 'h') != 0) test_fail("the memory child has the handler the parent set for SIGUSR1");
  end(&files);
  end(&fs);
  end(&memory);
  end(&handlers);
  test_pass();
}
