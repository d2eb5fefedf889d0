/*
 * Restore test: System V IPC objects.
 *
 * argv[1] "own": the program moves into an IPC namespace of its own
 * (unshare CLONE_NEWIPC) and sets one up: kernel.msgmnb changed, a shared
 * memory segment with a pattern and another owner, a message queue holding
 * three messages of different types, and a semaphore set with values
 * {3, 0, 7}. The queue gets id QUEUE_ID through kernel.msg_next_id; the
 * segment and the set get later ids than the namespace's first, used up by
 * objects made and removed. Nothing stays attached. On the check signal it
 * finds each object by its key and checks its id, owner, mode, size,
 * contents, messages (in order, each with its type) and values, and the
 * sysctl.
 *
 * argv[1] "host": the program stays in the host's namespace and keeps a
 * private segment attached (already marked for removal, so that it goes
 * away with the program).
 */
#include "amber-test.h"
#include <sched.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#define SHM_KEY 0x414d4201
#define MSG_KEY 0x414d4202
#define SEM_KEY 0x414d4203
#define SHM_SIZE (3 * 4096 + 100)
#define SHM_OWNER 1234
#define SHM_GROUP 2345
#define QUEUE_ID 42
#define MSGMNB 20000
#define MESSAGES 3

static const long message_types[MESSAGES] = { 5, 2, 9 };
static const char *const message_texts[MESSAGES] = { "first, of type five", "second", "third and last, type nine" };
static const unsigned short semaphore_values[3] = { 3, 0, 7 };

struct message {
  long type;
  char text[64];
};

static char pattern_byte(size_t offset) {
  return (char)('a' + (offset * 13) % 26);
}

static void write_sysctl(const char *name, long value) {
  char path[64];
  snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
  FILE *file = fopen(path, "w");
  if (file == NULL || fprintf(file, "%ld", value) < 0 || fclose(file) != 0) test_fail("cannot write %s", path);
}

static long read_sysctl(const char *name) {
  char path[64];
  long value = 0;
  snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
  FILE *file = fopen(path, "r");
  if (file == NULL || fscanf(file, "%ld", &value) != 1) test_fail("cannot read %s", path);
  fclose(file);
  return value;
}

static void print_namespace(void) {
  char link[64];
  ssize_t length = readlink("/proc/self/ns/ipc", link, sizeof link - 1);
  if (length < 0) test_fail("readlink /proc/self/ns/ipc");
  link[length] = '\0';
  printf("INFO ipc_namespace=%s\n", link);
}

/* Objects made and removed first, so that the ones that stay do not have the namespace's first ids. */
static void use_up_ids(void) {
  int segment = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  int semaphores = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
  if (segment < 0 || semaphores < 0) test_fail("making objects to remove");
  if (shmctl(segment, IPC_RMID, NULL) != 0 || semctl(semaphores, 0, IPC_RMID) != 0) test_fail("removing objects");
}

static int create_segment(void) {
  int id = shmget(SHM_KEY, SHM_SIZE, IPC_CREAT | IPC_EXCL | 0640);
  if (id < 0) test_fail("shmget");
  char *area = shmat(id, NULL, 0);
  if (area == (void *)-1) test_fail("shmat");
  for (size_t i = 0; i < SHM_SIZE; i++) area[i] = pattern_byte(i);
  if (shmdt(area) != 0) test_fail("shmdt");
  struct shmid_ds ds;
  if (shmctl(id, IPC_STAT, &ds) != 0) test_fail("shmctl IPC_STAT");
  ds.shm_perm.uid = SHM_OWNER;
  ds.shm_perm.gid = SHM_GROUP;
  if (shmctl(id, IPC_SET, &ds) != 0) test_fail("shmctl IPC_SET");
  return id;
}

static int create_queue(void) {
  write_sysctl("msg_next_id", QUEUE_ID);
  int id = msgget(MSG_KEY, IPC_CREAT | IPC_EXCL | 0600);
  if (id != QUEUE_ID) test_fail("msgget gave id %d", id);
  for (int i = 0; i < MESSAGES; i++) {
    struct message message = { .type = message_types[i] };
    strcpy(message.text, message_texts[i]);
    if (msgsnd(id, &message, strlen(message_texts[i]), IPC_NOWAIT) != 0) test_fail("msgsnd");
  }
  return id;
}

static int create_semaphores(void) {
  int id = semget(SEM_KEY, 3, IPC_CREAT | IPC_EXCL | 0660);
  if (id < 0) test_fail("semget");
  if (semctl(id, 0, SETALL, semaphore_values) != 0) test_fail("semctl SETALL");
  return id;
}

static void check_segment(int dumped_id) {
  int id = shmget(SHM_KEY, 0, 0);
  if (id != dumped_id) test_fail("segment of key %#x has id %d, was %d", SHM_KEY, id, dumped_id);
  struct shmid_ds ds;
  if (shmctl(id, IPC_STAT, &ds) != 0) test_fail("shmctl IPC_STAT");
  if (ds.shm_segsz != SHM_SIZE) test_fail("segment size %zu", ds.shm_segsz);
  if (ds.shm_perm.uid != SHM_OWNER || ds.shm_perm.gid != SHM_GROUP) test_fail("segment owner %d:%d", ds.shm_perm.uid, ds.shm_perm.gid);
  if ((ds.shm_perm.mode & 0777) != 0640) test_fail("segment mode %o", ds.shm_perm.mode);
  const char *area = shmat(id, NULL, SHM_RDONLY);
  if (area == (void *)-1) test_fail("shmat");
  for (size_t i = 0; i < SHM_SIZE; i++)
    if (area[i] != pattern_byte(i)) test_fail("segment byte %zu is %d", i, area[i]);
  shmdt(area);
}

static void check_queue(void) {
  int id = msgget(MSG_KEY, 0);
  if (id != QUEUE_ID) test_fail("queue of key %#x has id %d", MSG_KEY, id);
  for (int i = 0; i < MESSAGES; i++) {
    struct message message = { 0 };
    ssize_t length = msgrcv(id, &message, sizeof message.text, 0, IPC_NOWAIT);
    if (length < 0) test_fail("message %d is missing", i);
    if (message.type != message_types[i]) test_fail("message %d has type %ld", i, message.type);
    if ((size_t)length != strlen(message_texts[i]) || memcmp(message.text, message_texts[i], length) != 0) test_fail("message %d reads '%.*s'", i, (int)length, message.text);
  }
  struct message extra;
  if (msgrcv(id, &extra, sizeof extra.text, 0, IPC_NOWAIT) >= 0) test_fail("the queue has a message too many");
}

static void check_semaphores(int dumped_id) {
  int id = semget(SEM_KEY, 0, 0);
  if (id != dumped_id) test_fail("semaphore set of key %#x has id %d, was %d", SEM_KEY, id, dumped_id);
  unsigned short values[3];
  if (semctl(id, 0, GETALL, values) != 0) test_fail("semctl GETALL");
  for (int i = 0; i < 3; i++)
    if (values[i] != semaphore_values[i]) test_fail("semaphore %d is %u", i, values[i]);
}

static void keep_attached_segment(void) {
  int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  if (id < 0) test_fail("shmget");
  if (shmat(id, NULL, 0) == (void *)-1) test_fail("shmat");
  if (shmctl(id, IPC_RMID, NULL) != 0) test_fail("shmctl IPC_RMID");
  printf("INFO segment=%d\n", id);
}

int main(int argc, char **argv) {
  if (argc != 2) test_fail("usage: restore-ipc own|host");
  if (strcmp(argv[1], "host") == 0) {
    keep_attached_segment();
    test_ready();
    test_wait_check();
    test_pass();
  }
  if (unshare(CLONE_NEWIPC) != 0) test_fail("unshare(CLONE_NEWIPC)");
  print_namespace();
  write_sysctl("msgmnb", MSGMNB);
  use_up_ids();
  int segment = create_segment();
  create_queue();
  int semaphores = create_semaphores();
  printf("INFO segment=%d\nINFO queue=%d\nINFO semaphores=%d\n", segment, QUEUE_ID, semaphores);
  test_ready();
  test_wait_check();
  check_segment(segment);
  check_queue();
  check_semaphores(semaphores);
  if (read_sysctl("msgmnb") != MSGMNB) test_fail("kernel.msgmnb is %ld", read_sysctl("msgmnb"));
  test_pass();
}
