/*
 * Conventions of amber's kernel test programs, shared with test/harness/:
 *   - stdout and stderr go to a log file the harness reads line by line;
 *   - "STARTED <pid>" comes first, "INFO key=value" lines describe the state
 *     the program set up, "READY <pid>" says it is ready to be worked on;
 *   - SIGUSR2 asks the program to check itself: it then prints "PASS" or
 *     "FAIL: reason" and exits.
 * The program starts with exactly fds 0, 1 and 2 open, and fails otherwise.
 */
#ifndef AMBER_TEST_H
#define AMBER_TEST_H

#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK_SIGNAL SIGUSR2

static volatile sig_atomic_t check_requested;

__attribute__((noreturn, format(printf, 1, 2))) static inline void test_fail(const char *format, ...) {
  va_list args;
  va_start(args, format);
  printf("FAIL: ");
  vprintf(format, args);
  printf("\n");
  va_end(args);
  exit(1);
}

__attribute__((noreturn)) static inline void test_pass(void) {
  printf("PASS\n");
  exit(0);
}

/* For signal handlers: one line, async-signal-safe. */
static inline void test_log_async(const char *line) {
  ssize_t written = write(STDOUT_FILENO, line, strlen(line));
  (void)written;
}

static void on_check_signal(int signal) {
  (void)signal;
  check_requested = 1;
}

static void require_only_standard_fds(void) {
  DIR *dir = opendir("/proc/self/fd");
  if (dir == NULL) test_fail("cannot list /proc/self/fd");
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    int fd = atoi(entry->d_name);
    if (entry->d_name[0] != '.' && fd > 2 && fd != dirfd(dir)) test_fail("started with fd %d open", fd);
  }
  closedir(dir);
}

__attribute__((constructor)) static void test_start(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("STARTED %d\n", getpid());
  require_only_standard_fds();
  /* No SA_RESTART: a blocked syscall returns EINTR so the program notices the request. */
  struct sigaction action = { .sa_handler = on_check_signal };
  if (sigaction(CHECK_SIGNAL, &action, NULL) != 0) test_fail("sigaction(SIGUSR2)");
}

static inline void test_ready(void) {
  printf("READY %d\n", getpid());
}

/* Sleeps until the harness asks for the check. */
static inline void test_wait_check(void) {
  sigset_t blocked, waiting;
  sigemptyset(&blocked);
  sigaddset(&blocked, CHECK_SIGNAL);
  sigprocmask(SIG_BLOCK, &blocked, &waiting);
  sigdelset(&waiting, CHECK_SIGNAL);
  while (!check_requested) sigsuspend(&waiting);
  sigprocmask(SIG_UNBLOCK, &blocked, NULL);
}

/* A numeric field of /proc/PID/stat (4 ppid, 5 pgrp, 6 session; 3, the state letter, reads as 0); -1 if unreadable. */
static inline int test_stat_field(pid_t pid, int wanted) {
  char path[64], stat[512];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *file = fopen(path, "r");
  if (file == NULL) return -1;
  size_t length = fread(stat, 1, sizeof stat - 1, file);
  fclose(file);
  stat[length] = '\0';
  char *field = strrchr(stat, ')');
  for (int index = 2; field != NULL && index < wanted; index++) field = strchr(field + 1, ' ');
  return field == NULL ? -1 : atoi(field + 1);
}

#endif
