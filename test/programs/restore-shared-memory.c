/*
 * Restore test: a parent and its child share three objects, each with a
 * known pattern: anonymous MAP_SHARED memory (pages 0 and 2 written, 1 and
 * 3 left as holes), a mapped memfd sealed against shrinking and growing,
 * open at a position, and a POSIX shared memory object from shm_open, open
 * and mapped. The parent also maps two more memfds and closes their fds:
 * one read-only, sealed against writes and further seals, and one
 * writable, sealed against writes other than through that mapping
 * (F_SEAL_FUTURE_WRITE). On the check signal the parent checks every pattern, the
 * memfd's name, seals, size and position, then writes a mark into each
 * object; the child checks it sees the parent's marks and answers with its
 * own, which the parent must see: each object is still one object.
 *
 * argv[1]: the shm_open name to use; argv[2] "unlinked" unlinks it once mapped.
 */
#include "amber-test.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define PAGE 4096
#define ANON_PAGES 4
#define MEMFD_NAME "amber-shared-memory"
#define MEMFD_SIZE (3 * PAGE + 100)
#define MEMFD_POSITION 123
#define MEMFD_SEALS (F_SEAL_SHRINK | F_SEAL_GROW)
#define SHM_SIZE PAGE
#define SEALED_NAME "amber-sealed"
#define SEALED_SEALS (F_SEAL_WRITE | F_SEAL_SEAL)
#define FUTURE_NAME "amber-future-write"
/* The first bytes of the anonymous region are the parent's and child's mailbox; patterns start after it. */
#define PATTERN_START 64

enum { IDLE, PARENT_WROTE, CHILD_ANSWERED, CHILD_SAW_WRONG };

struct mailbox {
  volatile int state;
};

static char pattern_byte(int seed, size_t offset) {
  return (char)('A' + (seed * 7 + offset) % 26);
}

static void fill(char *area, size_t from, size_t to, int seed) {
  for (size_t i = from; i < to; i++) area[i] = pattern_byte(seed, i);
}

static int matches(const char *area, size_t from, size_t to, int seed) {
  for (size_t i = from; i < to; i++)
    if (area[i] != pattern_byte(seed, i)) return 0;
  return 1;
}

static int all_zero(const char *area, size_t from, size_t to) {
  for (size_t i = from; i < to; i++)
    if (area[i] != 0) return 0;
  return 1;
}

/* The marks each side writes after restore, at the end of each object's first page. */
#define PARENT_MARK (PAGE - 16)
#define CHILD_MARK (PAGE - 8)

static void mark(char *areas[3], size_t offset, char value) {
  for (int i = 0; i < 3; i++) memset(areas[i] + offset, value, 8);
}

static int marked(char *areas[3], size_t offset, char value) {
  for (int i = 0; i < 3; i++)
    for (size_t j = 0; j < 8; j++)
      if (areas[i][offset + j] != value) return 0;
  return 1;
}

__attribute__((noreturn)) static void child_loop(struct mailbox *mailbox, char *areas[3]) {
  for (;;) {
    if (mailbox->state == PARENT_WROTE) {
      if (!marked(areas, PARENT_MARK, 'P')) {
        mailbox->state = CHILD_SAW_WRONG;
      } else {
        mark(areas, CHILD_MARK, 'C');
        mailbox->state = CHILD_ANSWERED;
      }
    }
    usleep(1000);
  }
}

static void check_memfd(int memfd) {
  char link[64], target[128];
  snprintf(link, sizeof link, "/proc/self/fd/%d", memfd);
  ssize_t length = readlink(link, target, sizeof target - 1);
  if (length < 0) test_fail("readlink %s", link);
  target[length] = '\0';
  if (strcmp(target, "/memfd:" MEMFD_NAME " (deleted)") != 0) test_fail("the memfd is now '%s'", target);
  int seals = fcntl(memfd, F_GET_SEALS);
  if (seals != MEMFD_SEALS) test_fail("the memfd's seals are 0x%x, not 0x%x", seals, MEMFD_SEALS);
  struct stat st;
  if (fstat(memfd, &st) != 0 || st.st_size != MEMFD_SIZE) test_fail("the memfd's size is %lld", (long long)st.st_size);
  off_t position = lseek(memfd, 0, SEEK_CUR);
  if (position != MEMFD_POSITION) test_fail("the memfd's position is %lld", (long long)position);
  if (ftruncate(memfd, PAGE) == 0) test_fail("the memfd could shrink despite F_SEAL_SHRINK");
  char tail[MEMFD_SIZE - 3 * PAGE];
  if (pread(memfd, tail, sizeof tail, 3 * PAGE) != (ssize_t)sizeof tail) test_fail("pread of the memfd's last bytes");
  for (size_t i = 0; i < sizeof tail; i++)
    if (tail[i] != pattern_byte(2, 3 * PAGE + i)) test_fail("the memfd's byte %zu differs through its fd", 3 * PAGE + i);
}

/*
 * A one-page memfd holding pattern `seed`, mapped with `prot` and sealed
 * with `seals`, with no fd left open. F_SEAL_WRITE refuses to join a shared
 * mapping made before it; F_SEAL_FUTURE_WRITE keeps one, and refuses later
 * writable ones.
 */
static char *map_sealed_memfd(const char *name, int prot, int seals, int seed) {
  int fd = memfd_create(name, MFD_ALLOW_SEALING);
  if (fd < 0 || ftruncate(fd, PAGE) != 0) test_fail("memfd %s setup", name);
  char page[PAGE];
  fill(page, 0, PAGE, seed);
  if (pwrite(fd, page, PAGE, 0) != PAGE) test_fail("memfd %s contents", name);
  int map_first = (seals & F_SEAL_FUTURE_WRITE) != 0;
  if (!map_first && fcntl(fd, F_ADD_SEALS, seals) != 0) test_fail("sealing memfd %s", name);
  char *mapped = mmap(NULL, PAGE, prot, MAP_SHARED, fd, 0);
  if (mapped == MAP_FAILED) test_fail("mmap memfd %s", name);
  if (map_first && fcntl(fd, F_ADD_SEALS, seals) != 0) test_fail("sealing memfd %s", name);
  close(fd);
  return mapped;
}

/* The memfd mapped at `mapped` holds pattern `seed`, has `seals`, and refuses write(2). */
static void check_sealed_memfd(const char *mapped, int seals_wanted, int seed) {
  if (!matches(mapped, 0, PAGE, seed)) test_fail("the pattern of the memfd at %p differs", (void *)mapped);
  char range[64];
  snprintf(range, sizeof range, "/proc/self/map_files/%lx-%lx", (unsigned long)mapped, (unsigned long)mapped + PAGE);
  int fd = open(range, O_RDWR);
  if (fd < 0) test_fail("open %s", range);
  int seals = fcntl(fd, F_GET_SEALS);
  if (seals != seals_wanted) test_fail("the memfd at %p has seals 0x%x, not 0x%x", (void *)mapped, seals, seals_wanted);
  if (pwrite(fd, "x", 1, 0) != -1 || errno != EPERM) test_fail("the sealed memfd at %p took a write", (void *)mapped);
  close(fd);
}

int main(int argc, char **argv) {
  if (argc < 2) test_fail("usage: restore-shared-memory SHM_NAME [unlinked]");
  char *anon = mmap(NULL, ANON_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (anon == MAP_FAILED) test_fail("mmap shared anonymous");
  fill(anon, PATTERN_START, PAGE, 1);
  fill(anon, 2 * PAGE, 3 * PAGE, 1);

  int memfd = memfd_create(MEMFD_NAME, MFD_ALLOW_SEALING);
  if (memfd < 0 || ftruncate(memfd, MEMFD_SIZE) != 0) test_fail("memfd setup");
  char *mapped_memfd = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
  if (mapped_memfd == MAP_FAILED) test_fail("mmap memfd");
  fill(mapped_memfd, 0, MEMFD_SIZE, 2);
  if (fcntl(memfd, F_ADD_SEALS, MEMFD_SEALS) != 0 || lseek(memfd, MEMFD_POSITION, SEEK_SET) != MEMFD_POSITION) test_fail("memfd seals and position");

  int shm = shm_open(argv[1], O_RDWR | O_CREAT | O_EXCL, 0600);
  if (shm < 0 || ftruncate(shm, SHM_SIZE) != 0) test_fail("shm_open %s", argv[1]);
  char *mapped_shm = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
  if (mapped_shm == MAP_FAILED) test_fail("mmap %s", argv[1]);
  fill(mapped_shm, 0, PARENT_MARK, 3);
  if (argc > 2 && strcmp(argv[2], "unlinked") == 0 && shm_unlink(argv[1]) != 0) test_fail("shm_unlink %s", argv[1]);

  char *sealed = map_sealed_memfd(SEALED_NAME, PROT_READ, SEALED_SEALS, 4);
  char *future = map_sealed_memfd(FUTURE_NAME, PROT_READ | PROT_WRITE, F_SEAL_FUTURE_WRITE, 5);

  struct mailbox *mailbox = (struct mailbox *)anon;
  char *areas[3] = { anon, mapped_memfd, mapped_shm };
  pid_t child = fork();
  if (child < 0) test_fail("fork");
  if (child == 0) child_loop(mailbox, areas);

  printf("INFO child=%d\n", child);
  printf("INFO memfd=%d\n", memfd);
  test_ready();
  test_wait_check();

  if (!matches(anon, PATTERN_START, PAGE, 1) || !matches(anon, 2 * PAGE, 3 * PAGE, 1)) test_fail("the anonymous shared pattern differs");
  if (!all_zero(anon, PAGE, 2 * PAGE) || !all_zero(anon, 3 * PAGE, 4 * PAGE)) test_fail("a hole of the anonymous shared memory holds data");
  if (!matches(mapped_memfd, 0, MEMFD_SIZE, 2)) test_fail("the memfd's pattern differs");
  if (!matches(mapped_shm, 0, PARENT_MARK, 3)) test_fail("the shm_open pattern differs");
  check_memfd(memfd);
  check_sealed_memfd(sealed, SEALED_SEALS, 4);
  check_sealed_memfd(future, F_SEAL_FUTURE_WRITE, 5);
  future[0] = 'Z';

  mark(areas, PARENT_MARK, 'P');
  mailbox->state = PARENT_WROTE;
  for (int waited = 0; mailbox->state == PARENT_WROTE && waited < 5000; waited++) usleep(1000);
  if (mailbox->state == CHILD_SAW_WRONG) test_fail("the child does not see the parent's writes");
  if (mailbox->state != CHILD_ANSWERED) test_fail("the child never answered (state %d)", mailbox->state);
  if (!marked(areas, CHILD_MARK, 'C')) test_fail("the parent does not see the child's writes");
  char through_fd[8];
  if (pread(memfd, through_fd, sizeof through_fd, CHILD_MARK) != 8 || memcmp(through_fd, "CCCCCCCC", 8) != 0) test_fail("the memfd's fd does not see the child's write");

  kill(child, SIGKILL);
  if (waitpid(child, NULL, 0) != child) test_fail("could not reap child %d", child);
  shm_unlink(argv[1]);
  test_pass();
}
