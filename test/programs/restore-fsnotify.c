/*
 * inotify for dump -> kill -> restore. argv[1] is an empty directory;
 * the program makes DIR/watched and DIR/file, then an inotify instance
 * (non-blocking, close-on-exec) watching DIR/watched for IN_CREATE|IN_DELETE
 * (wd 1) and DIR/file for IN_MODIFY (wd 3: wd 2 was added and removed, its
 * IN_IGNORED read). With argv[2] == "queued" it leaves one IN_MODIFY event
 * unread. On the check signal it reads what is queued (nothing, or that
 * event), creates DIR/watched/new, writes DIR/file and expects exactly
 * those two events with their wds.
 */
#include "amber-test.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#define EVENTS_SIZE 4096

static char events[EVENTS_SIZE] __attribute__((aligned(__alignof__(struct inotify_event))));

/* Reads what is queued; returns its length (0 when nothing is). */
static ssize_t read_events(int instance, const char *what) {
  ssize_t length = read(instance, events, sizeof events);
  if (length < 0 && errno == EAGAIN) return 0;
  if (length < 0) test_fail("%s: read: %s", what, strerror(errno));
  return length;
}

static const struct inotify_event *event_at(ssize_t offset, ssize_t length, const char *what) {
  if (offset + (ssize_t)sizeof(struct inotify_event) > length) test_fail("%s: fewer events than expected", what);
  return (const struct inotify_event *)(events + offset);
}

static void expect_event(const struct inotify_event *event, int wd, uint32_t mask, const char *name, const char *what) {
  if (event->wd != wd || event->mask != mask) test_fail("%s: event wd %d mask %#x, expected wd %d mask %#x", what, event->wd, event->mask, wd, mask);
  const char *got = event->len == 0 ? "" : event->name;
  if (strcmp(got, name) != 0) test_fail("%s: event names '%s', expected '%s'", what, got, name);
}

static void write_file(const char *path) {
  int fd = open(path, O_WRONLY | O_APPEND);
  if (fd < 0 || write(fd, "x", 1) != 1) test_fail("writing %s", path);
  close(fd);
}

/* A fanotify instance as described above, or -1 when fanotify is not allowed here. */
static int make_fanotify(const char *dir, const char *file) {
  int instance = fanotify_init(FAN_CLASS_NOTIF | FAN_NONBLOCK | FAN_CLOEXEC, O_RDONLY | O_LARGEFILE);
  if (instance < 0 && errno == EPERM) return -1;
  if (instance < 0) test_fail("fanotify_init: %s", strerror(errno));
  if (fanotify_mark(instance, FAN_MARK_ADD, FAN_MODIFY | FAN_CLOSE_WRITE, AT_FDCWD, file) != 0 ||
      fanotify_mark(instance, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK | FAN_MARK_IGNORED_SURV_MODIFY, FAN_CLOSE_WRITE, AT_FDCWD, file) != 0 ||
      fanotify_mark(instance, FAN_MARK_ADD | FAN_MARK_MOUNT | FAN_MARK_IGNORED_MASK | FAN_MARK_IGNORED_SURV_MODIFY, FAN_OPEN, AT_FDCWD, dir) != 0)
    test_fail("fanotify_mark: %s", strerror(errno));
  return instance;
}

/* Reads the fanotify queue: at least one event, each FAN_MODIFY. */
static void expect_modify_events(int instance) {
  ssize_t length = read(instance, events, sizeof events);
  if (length <= 0) test_fail("fanotify: no events (%s)", length < 0 ? strerror(errno) : "empty");
  struct fanotify_event_metadata *event = (struct fanotify_event_metadata *)events;
  for (; FAN_EVENT_OK(event, length); event = FAN_EVENT_NEXT(event, length)) {
    if (event->fd >= 0) close(event->fd);
    if (event->mask != FAN_MODIFY) test_fail("fanotify: event mask %#llx, expected FAN_MODIFY", (unsigned long long)event->mask);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) test_fail("usage: restore-fsnotify DIR [queued]");
  int queued = argc > 2 && strcmp(argv[2], "queued") == 0;
  char watched[PATH_MAX], file[PATH_MAX], created[PATH_MAX + sizeof "/new"];
  snprintf(watched, sizeof watched, "%s/watched", argv[1]);
  snprintf(file, sizeof file, "%s/file", argv[1]);
  snprintf(created, sizeof created, "%s/new", watched);
  if (mkdir(watched, 0755) != 0) test_fail("mkdir %s", watched);
  int fd = open(file, O_CREAT | O_WRONLY, 0644);
  if (fd < 0) test_fail("creating %s", file);
  close(fd);

  int instance = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (instance < 0) test_fail("inotify_init1");
  int dir_wd = inotify_add_watch(instance, watched, IN_CREATE | IN_DELETE);
  int removed = inotify_add_watch(instance, file, IN_ATTRIB);
  if (dir_wd != 1 || removed != 2 || inotify_rm_watch(instance, removed) != 0) test_fail("first watches");
  ssize_t length = read_events(instance, "before dump");
  if (length != sizeof(struct inotify_event)) test_fail("no IN_IGNORED for the removed watch");
  expect_event(event_at(0, length, "before dump"), removed, IN_IGNORED, "", "removed watch");
  int file_wd = inotify_add_watch(instance, file, IN_MODIFY);
  if (file_wd != 3) test_fail("the file's watch has wd %d, not 3", file_wd);
  int fanotify = make_fanotify(argv[1], file);
  if (queued) write_file(file);
  printf("INFO inotify=%d\n", instance);
  printf("INFO fanotify=%d\n", fanotify);
  test_ready();
  test_wait_check();

  if ((fcntl(instance, F_GETFL) & O_NONBLOCK) == 0) test_fail("the instance is no longer non-blocking");
  if ((fcntl(instance, F_GETFD) & FD_CLOEXEC) == 0) test_fail("the fd is no longer close-on-exec");
  if (fanotify >= 0 && ((fcntl(fanotify, F_GETFL) & O_NONBLOCK) == 0 || (fcntl(fanotify, F_GETFD) & FD_CLOEXEC) == 0)) test_fail("fanotify fd flags changed");
  length = read_events(instance, "after restore");
  if (queued) {
    if (length != sizeof(struct inotify_event)) test_fail("the queued event is gone (%zd bytes)", length);
    expect_event(event_at(0, length, "queued"), file_wd, IN_MODIFY, "", "queued event");
  } else if (length != 0) {
    test_fail("%zd bytes of events were queued after restore", length);
  }
  fd = open(created, O_CREAT | O_WRONLY, 0644);
  if (fd < 0) test_fail("creating %s", created);
  close(fd);
  write_file(file);
  length = read_events(instance, "after actions");
  const struct inotify_event *first = event_at(0, length, "after actions");
  expect_event(first, dir_wd, IN_CREATE, "new", "creating a file");
  ssize_t second = sizeof *first + first->len;
  expect_event(event_at(second, length, "after actions"), file_wd, IN_MODIFY, "", "writing the file");
  if (second + (ssize_t)sizeof *first != length) test_fail("more events than expected");
  if (fanotify >= 0) expect_modify_events(fanotify);
  test_pass();
}
