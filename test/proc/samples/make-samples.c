/*
 * Sets up one of each kind of kernel state the procfs parsers read, prints
 * what it made ("<what> <value>" lines, then "ready"), and sleeps until killed.
 * capture.sh runs it and copies its /proc files into this folder.
 * usage: make-samples DIR [ARGS...]   (DIR: an empty scratch directory)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static const char *dir;

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "make-samples: %s: %s\n", what, strerror(errno));
    exit(1);
  }
}

static char *in_dir(const char *name) {
  static char buf[8][4096];
  static int next;
  char *p = buf[next++ % 8];
  snprintf(p, 4096, "%s/%s", dir, name);
  return p;
}

static int make_file(const char *name, size_t size) {
  int fd = open(in_dir(name), O_RDWR | O_CREAT | O_TRUNC, 0644);
  check(fd >= 0, name);
  check(ftruncate(fd, size) == 0, "ftruncate");
  return fd;
}

static void *sleeper(void *arg) {
  (void)arg;
  for (;;) pause();
  return NULL;
}

static void on_hup(int sig) { (void)sig; }

static void make_mounts(void) {
  check(unshare(CLONE_NEWNS) == 0, "unshare");
  check(mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "make / private");
  const char *names[] = {"mnt with space", "peer", "slave", "unbindable"};
  for (int i = 0; i < 4; i++) check(mkdir(in_dir(names[i]), 0755) == 0, names[i]);
  check(mount("amber sample", in_dir("mnt with space"), "tmpfs", MS_NOSUID, "size=1m,mode=700") == 0, "tmpfs");
  check(mount(NULL, in_dir("mnt with space"), NULL, MS_SHARED, NULL) == 0, "make shared");
  check(mount(in_dir("mnt with space"), in_dir("peer"), NULL, MS_BIND, NULL) == 0, "bind peer");
  check(mount(in_dir("mnt with space"), in_dir("slave"), NULL, MS_BIND, NULL) == 0, "bind slave");
  check(mount(NULL, in_dir("slave"), NULL, MS_SLAVE, NULL) == 0, "make slave");
  check(mount("none", in_dir("unbindable"), "tmpfs", MS_RDONLY, "size=4k") == 0, "tmpfs 2");
  check(mount(NULL, in_dir("unbindable"), NULL, MS_UNBINDABLE, NULL) == 0, "make unbindable");
}

static void make_event_fds(void) {
  int efd = eventfd(5, EFD_NONBLOCK);
  check(efd >= 0, "eventfd");
  printf("eventfd %d\n", efd);

  int pipefd[2];
  check(pipe(pipefd) == 0, "pipe");
  int ep = epoll_create1(EPOLL_CLOEXEC);
  check(ep >= 0, "epoll");
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ULL};
  check(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) == 0, "epoll add eventfd");
  ev.events = EPOLLIN | EPOLLET;
  ev.data.u64 = 42;
  check(epoll_ctl(ep, EPOLL_CTL_ADD, pipefd[0], &ev) == 0, "epoll add pipe");
  printf("epoll %d\npipe-read %d\n", ep, pipefd[0]);

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  sigaddset(&mask, SIGUSR2);
  check(sigprocmask(SIG_BLOCK, &mask, NULL) == 0, "block");
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  check(sfd >= 0, "signalfd");
  printf("signalfd %d\n", sfd);

  int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
  check(tfd >= 0, "timerfd");
  struct itimerspec its = {.it_value = {1000, 0}, .it_interval = {2, 500000000}};
  check(timerfd_settime(tfd, 0, &its, NULL) == 0, "timerfd_settime");
  printf("timerfd %d\n", tfd);
  int tfd_abs = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
  check(tfd_abs >= 0, "timerfd 2");
  struct itimerspec abs = {.it_value = {4000000000LL, 0}};
  check(timerfd_settime(tfd_abs, TFD_TIMER_ABSTIME, &abs, NULL) == 0, "timerfd_settime 2");
  printf("timerfd-abs %d\n", tfd_abs);
}

static void make_watch_fds(void) {
  close(make_file("watched", 0));
  struct stat st;
  check(stat(in_dir("watched"), &st) == 0, "stat watched");
  printf("watched-inode %lu\n", (unsigned long)st.st_ino);
  check(stat(dir, &st) == 0, "stat dir");
  printf("dir-inode %lu\n", (unsigned long)st.st_ino);

  int in = inotify_init1(IN_NONBLOCK);
  check(in >= 0, "inotify");
  check(inotify_add_watch(in, dir, IN_CREATE | IN_DELETE) >= 0, "watch dir");
  check(inotify_add_watch(in, in_dir("watched"), IN_MODIFY) >= 0, "watch file");
  printf("inotify %d\n", in);

  int fan = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY | O_LARGEFILE);
  check(fan >= 0, "fanotify_init");
  check(fanotify_mark(fan, FAN_MARK_ADD | FAN_MARK_MOUNT, FAN_OPEN | FAN_CLOSE_WRITE, AT_FDCWD,
                      in_dir("mnt with space")) == 0, "fanotify mount mark");
  check(fanotify_mark(fan, FAN_MARK_ADD, FAN_MODIFY, AT_FDCWD, in_dir("watched")) == 0, "fanotify inode mark");
  check(fanotify_mark(fan, FAN_MARK_ADD | FAN_MARK_IGNORED_MASK, FAN_OPEN, AT_FDCWD, in_dir("watched")) == 0,
        "fanotify ignore mask");
  check(fanotify_mark(fan, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_ACCESS, AT_FDCWD, in_dir("unbindable")) == 0,
        "fanotify filesystem mark");
  printf("fanotify %d\n", fan);
}

static void make_locks(void) {
  int posix = make_file("lock-posix", 4096);
  struct flock whole = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
  check(fcntl(posix, F_SETLK, &whole) == 0, "posix lock");
  printf("lock-posix %d\n", posix);

  int range = make_file("lock-range", 4096);
  struct flock part = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 100, .l_len = 100};
  check(fcntl(range, F_SETLK, &part) == 0, "range lock");
  printf("lock-range %d\n", range);

  int fl = make_file("lock-flock", 0);
  check(flock(fl, LOCK_EX) == 0, "flock");
  printf("lock-flock %d\n", fl);

  int ofd = make_file("lock-ofd", 0);
  struct flock ofd_lock = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 0};
  check(fcntl(ofd, F_OFD_SETLK, &ofd_lock) == 0, "ofd lock");
  printf("lock-ofd %d\n", ofd);

  close(make_file("lease", 0));
  int lease = open(in_dir("lease"), O_RDONLY);
  check(lease >= 0 && fcntl(lease, F_SETLEASE, F_RDLCK) == 0, "lease");
  printf("lease %d\n", lease);

  pid_t waiter = fork();
  check(waiter >= 0, "fork");
  if (waiter == 0) {
    int fd = open(in_dir("lock-posix"), O_RDWR);
    struct flock want = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    fcntl(fd, F_SETLKW, &want);
    _exit(0);
  }
  printf("lock-waiter %d\n", waiter);
}

static void make_mappings(void) {
  int spaced = make_file("file with spaces\nand newline", 8192);
  void *p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, spaced, 0);
  check(p != MAP_FAILED, "mmap spaced");
  close(spaced);
  printf("mapped-spaced %p\n", p);

  int gone = make_file("deleted file", 4096);
  p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, gone, 0);
  check(p != MAP_FAILED, "mmap deleted");
  close(gone);
  check(unlink(in_dir("deleted file")) == 0, "unlink");
  printf("mapped-deleted %p\n", p);

  p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  check(p != MAP_FAILED, "mmap shared anonymous");
  printf("mapped-shared-anon %p\n", p);

  int memfd = memfd_create("amber sample", 0);
  check(memfd >= 0 && ftruncate(memfd, 4096) == 0, "memfd");
  p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, memfd, 0);
  check(p != MAP_FAILED, "mmap memfd");
  close(memfd);
  printf("mapped-memfd %p\n", p);

  /* 16 pages between two PROT_NONE guards (so no neighbour merges with them):
   * pages 0,1,2,5,6 and 15 written, the others never touched */
  char *guarded = mmap(NULL, 18 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  check(guarded != MAP_FAILED, "mmap pages");
  volatile char *pages = guarded + 4096;
  check(mprotect((void *)pages, 16 * 4096, PROT_READ | PROT_WRITE) == 0, "mprotect pages");
  check(madvise((void *)pages, 16 * 4096, MADV_NOHUGEPAGE) == 0, "madvise");
  int written[] = {0, 1, 2, 5, 6, 15};
  for (int i = 0; i < 6; i++) pages[written[i] * 4096] = 1;
  printf("mapped-pages %p\n", (void *)pages);
}

static void make_timers(pid_t thread_tid) {
  timer_t id;
  struct sigevent sev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN + 1};
  sev.sigev_value.sival_int = 7;
  check(timer_create(CLOCK_MONOTONIC, &sev, &id) == 0, "timer signal");
  struct sigevent none = {.sigev_notify = SIGEV_NONE};
  check(timer_create(CLOCK_REALTIME, &none, &id) == 0, "timer none");
  struct sigevent thread = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGUSR2};
  thread._sigev_un._tid = thread_tid;
  check(timer_create(CLOCK_BOOTTIME, &thread, &id) == 0, "timer thread");
}

static void *sleeper_reporting(void *arg) {
  *(volatile pid_t *)arg = gettid();
  return sleeper(NULL);
}

static void limit_syscalls_to_everything(void) {
  struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  struct sock_fprog prog = {.len = 1, .filter = allow};
  check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "no_new_privs");
  check(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0, "seccomp");
}

int main(int argc, char **argv) {
  check(argc >= 2, "usage: make-samples DIR [ARGS...]");
  dir = argv[1];
  setvbuf(stdout, NULL, _IONBF, 0);
  umask(027);
  gid_t groups[] = {10, 20, 30};
  check(setgroups(3, groups) == 0, "setgroups");
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, on_hup);
  check(prctl(PR_SET_NAME, "x) (y z", 0, 0, 0) == 0, "comm");

  make_mounts();
  make_event_fds();
  make_watch_fds();
  make_locks();
  make_mappings();

  volatile pid_t tid = 0;
  pthread_t t;
  check(pthread_create(&t, NULL, sleeper_reporting, (void *)&tid) == 0, "thread");
  while (tid == 0) usleep(1000);
  check(pthread_create(&t, NULL, sleeper, NULL) == 0, "thread 2");
  printf("thread %d\n", tid);
  make_timers(tid);
  limit_syscalls_to_everything();
  printf("ready\n");
  sleeper(NULL);
}
