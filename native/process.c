/* Creating, signalling, waiting for and configuring processes. */
#include "util.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_PID_NAMESPACE_LEVELS = 32, SCHED_ATTR_BUFFER_SIZE = 128 };

/*
 * The child is a copy of one thread of a multi-threaded process, so it may only
 * make raw system calls: libc's syscall() takes no lock, and its PLT slot was
 * bound by the parent's own clone3 call.
 */
static void stop_forever(void) {
  for (;;) syscall(SYS_kill, syscall(SYS_getpid), SIGSTOP);
}

static napi_value clone3_stopped(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  uint64_t flags;
  int32_t exit_signal;
  uint32_t levels;
  pid_t set_tid[MAX_PID_NAMESPACE_LEVELS];
  if (!get_args(env, info, 3, argv) || !arg_u64(env, argv[0], &flags) || !arg_i32(env, argv[1], &exit_signal) ||
      !arg_array_length(env, argv[2], &levels))
    return NULL;
  if (levels > MAX_PID_NAMESPACE_LEVELS) {
    napi_throw_range_error(env, NULL, "set_tid has more levels than pid namespaces can nest");
    return NULL;
  }
  for (uint32_t i = 0; i < levels; i++) {
    napi_value tid;
    if (!arg_element(env, argv[2], i, &tid) || !arg_i32(env, tid, &set_tid[i])) return NULL;
  }
  struct clone_args args;
  memset(&args, 0, sizeof args);
  args.flags = flags;
  args.exit_signal = (uint64_t)exit_signal;
  args.set_tid = levels > 0 ? (uint64_t)(uintptr_t)set_tid : 0;
  args.set_tid_size = levels;
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) stop_forever();
  if (pid < 0) return throw_errno(env, "clone3");
  return make_i32(env, (int32_t)pid);
}

static napi_value kill_process(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t pid, signal;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &pid) || !arg_i32(env, argv[1], &signal)) return NULL;
  if (kill(pid, signal) < 0) return throw_errno(env, "kill");
  return make_undefined(env);
}

static napi_value tgkill_thread(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t tgid, tid, signal;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &tgid) || !arg_i32(env, argv[1], &tid) ||
      !arg_i32(env, argv[2], &signal))
    return NULL;
  if (tgkill(tgid, tid, signal) < 0) return throw_errno(env, "tgkill");
  return make_undefined(env);
}

static napi_value get_tid(napi_env env, napi_callback_info info) {
  (void)info;
  return make_i32(env, gettid());
}

static bool arg_rlimit(napi_env env, napi_value value, struct rlimit *limit) {
  napi_value cur, max;
  uint64_t soft, hard;
  if (!arg_property(env, value, "cur", &cur) || !arg_property(env, value, "max", &max) || !arg_u64(env, cur, &soft) ||
      !arg_u64(env, max, &hard))
    return false;
  limit->rlim_cur = soft;
  limit->rlim_max = hard;
  return true;
}

static napi_value prlimit_process(napi_env env, napi_callback_info info) {
  napi_value argv[3], result;
  int32_t pid, resource;
  struct rlimit new_limit, old_limit;
  bool setting;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &pid) || !arg_i32(env, argv[1], &resource)) return NULL;
  setting = !is_null(env, argv[2]);
  if (setting && !arg_rlimit(env, argv[2], &new_limit)) return NULL;
  if (prlimit(pid, resource, setting ? &new_limit : NULL, &old_limit) < 0) return throw_errno(env, "prlimit");
  if (napi_create_object(env, &result) != napi_ok ||
      napi_set_named_property(env, result, "cur", make_u64(env, old_limit.rlim_cur)) != napi_ok ||
      napi_set_named_property(env, result, "max", make_u64(env, old_limit.rlim_max)) != napi_ok)
    return NULL;
  return result;
}

/* The kernel writes min(our size, its size) bytes and stores that size in the first u32 (sched_getattr(2)). */
static napi_value sched_getattr_process(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t pid;
  uint32_t attr[SCHED_ATTR_BUFFER_SIZE / sizeof(uint32_t)] = { 0 };
  if (!get_args(env, info, 1, argv) || !arg_i32(env, argv[0], &pid)) return NULL;
  if (syscall(SYS_sched_getattr, pid, attr, sizeof attr, 0) < 0) return throw_errno(env, "sched_getattr");
  return make_buffer_copy(env, attr, attr[0]);
}

/* get_robust_list(2) of another thread: its list head and the length it registered, 16 bytes. */
static napi_value get_robust_list_of(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t tid;
  uint64_t list[2] = { 0 };
  size_t length = 0;
  if (!get_args(env, info, 1, argv) || !arg_i32(env, argv[0], &tid)) return NULL;
  if (syscall(SYS_get_robust_list, tid, &list[0], &length) < 0) return throw_errno(env, "get_robust_list");
  list[1] = length;
  return make_buffer_copy(env, list, sizeof list);
}

static napi_value sched_setattr_process(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t pid, flags;
  void *attr;
  size_t length;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &pid) || !arg_buffer(env, argv[1], &attr, &length) ||
      !arg_i32(env, argv[2], &flags))
    return NULL;
  if (syscall(SYS_sched_setattr, pid, attr, flags) < 0) return throw_errno(env, "sched_setattr");
  return make_undefined(env);
}

static napi_value setns_fd(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, ns_type;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &fd) || !arg_i32(env, argv[1], &ns_type)) return NULL;
  if (setns(fd, ns_type) < 0) return throw_errno(env, "setns");
  return make_undefined(env);
}

static napi_value unshare_namespaces(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t flags;
  if (!get_args(env, info, 1, argv) || !arg_i32(env, argv[0], &flags)) return NULL;
  if (unshare(flags) < 0) return throw_errno(env, "unshare");
  return make_undefined(env);
}

static napi_value wait_pid(napi_env env, napi_callback_info info) {
  napi_value argv[2], result;
  int32_t pid, options;
  int status = 0;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &pid) || !arg_i32(env, argv[1], &options)) return NULL;
  pid_t found = wait4(pid, &status, options, NULL);
  if (found < 0) return throw_errno(env, "wait4");
  if (found == 0) return make_null(env);
  if (napi_create_object(env, &result) != napi_ok ||
      napi_set_named_property(env, result, "pid", make_i32(env, found)) != napi_ok ||
      napi_set_named_property(env, result, "status", make_i32(env, status)) != napi_ok)
    return NULL;
  return result;
}

/* With WNOHANG and nothing to report, waitid returns 0 and leaves si_pid zero (waitid(2)). */
static napi_value wait_id(napi_env env, napi_callback_info info) {
  napi_value argv[3], result;
  int32_t id_type, id, options;
  siginfo_t siginfo;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &id_type) || !arg_i32(env, argv[1], &id) ||
      !arg_i32(env, argv[2], &options))
    return NULL;
  memset(&siginfo, 0, sizeof siginfo);
  if (waitid((idtype_t)id_type, (id_t)id, &siginfo, options) < 0) return throw_errno(env, "waitid");
  if (siginfo.si_pid == 0) return make_null(env);
  if (napi_create_object(env, &result) != napi_ok ||
      napi_set_named_property(env, result, "pid", make_i32(env, siginfo.si_pid)) != napi_ok ||
      napi_set_named_property(env, result, "uid", make_i64(env, siginfo.si_uid)) != napi_ok ||
      napi_set_named_property(env, result, "signo", make_i32(env, siginfo.si_signo)) != napi_ok ||
      napi_set_named_property(env, result, "code", make_i32(env, siginfo.si_code)) != napi_ok ||
      napi_set_named_property(env, result, "status", make_i32(env, siginfo.si_status)) != napi_ok)
    return NULL;
  return result;
}

bool register_process(napi_env env, napi_value exports) {
  static const napi_property_descriptor functions[] = {
    FUNCTION("clone3Stopped", clone3_stopped),
    FUNCTION("kill", kill_process),
    FUNCTION("tgkill", tgkill_thread),
    FUNCTION("gettid", get_tid),
    FUNCTION("prlimit", prlimit_process),
    FUNCTION("schedGetattr", sched_getattr_process),
    FUNCTION("schedSetattr", sched_setattr_process),
    FUNCTION("getRobustList", get_robust_list_of),
    FUNCTION("setns", setns_fd),
    FUNCTION("unshare", unshare_namespaces),
    FUNCTION("waitpid", wait_pid),
    FUNCTION("waitid", wait_id),
  };
  return define_functions(env, exports, functions, sizeof functions / sizeof functions[0]);
}
