/*
 * Restore test: a program whose executable file is unlinked while it runs,
 * as a service's binary is when a package upgrade replaces it. It copies
 * its own executable into DIR, runs the copy (exec keeps its pid), and the
 * copy unlinks itself before READY. On the check signal it checks that its
 * exe link and the mappings of its code still name the unlinked file, and
 * that its data is as it left it.
 *
 * argv[1]: a directory for the copy.
 */
#include "amber-test.h"
#include <fcntl.h>
#include <sys/stat.h>

#define COPY_NAME "deleted-exe-copy"
#define PATTERN "still here after restore"

static char data[64] = PATTERN;
static char failure[8400];
#define WRONG(...) (snprintf(failure, sizeof failure, __VA_ARGS__), failure)

static void copy_self(const char *target) {
  int in = open("/proc/self/exe", O_RDONLY), out = open(target, O_WRONLY | O_CREAT | O_EXCL, 0755);
  if (in < 0 || out < 0) test_fail("opening the copy %s", target);
  char buffer[65536];
  for (ssize_t got; (got = read(in, buffer, sizeof buffer)) != 0;) {
    if (got < 0 || write(out, buffer, (size_t)got) != got) test_fail("copying the executable");
  }
  close(in);
  close(out);
}

static int names_unlinked_copy(const char *line, const char *copy) {
  const char *found = strstr(line, copy);
  return found != NULL && strcmp(found + strlen(copy), " (deleted)\n") == 0;
}

/* NULL when all is as before the dump, else what is wrong. */
static const char *check(const char *copy) {
  char exe[4096];
  ssize_t length = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (length < 0) return WRONG("readlink /proc/self/exe");
  exe[length] = '\0';
  char expected[4200];
  snprintf(expected, sizeof expected, "%s (deleted)", copy);
  if (strcmp(exe, expected) != 0) return WRONG("exe is %s, not %s", exe, expected);
  FILE *maps = fopen("/proc/self/maps", "r");
  if (maps == NULL) return WRONG("/proc/self/maps");
  char line[4096];
  int code = 0;
  while (fgets(line, sizeof line, maps) != NULL) {
    if (strstr(line, " r-xp ") != NULL && names_unlinked_copy(line, copy)) code++;
  }
  fclose(maps);
  if (code == 0) return WRONG("no executable mapping of the unlinked %s", copy);
  if (strcmp(data, PATTERN) != 0) return WRONG("data reads %s", data);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc == 2) {
    char copy[4096];
    snprintf(copy, sizeof copy, "%s/%s", argv[1], COPY_NAME);
    copy_self(copy);
    execl(copy, copy, "copied", copy, (char *)NULL);
    test_fail("exec %s", copy);
  }
  if (argc != 3 || strcmp(argv[1], "copied") != 0) test_fail("usage: restore-deleted-exe DIR");
  const char *copy = argv[2];
  if (unlink(copy) != 0) test_fail("unlink %s", copy);
  test_ready();
  test_wait_check();
  const char *wrong = check(copy);
  if (wrong != NULL) test_fail("%s", wrong);
  test_pass();
}
