/* pidfd_open, pidfd_getfd, pidfd_send_signal and kcmp (no glibc wrappers in 2.36: raw syscall()). */
#include "util.h"

#include <sys/syscall.h>
#include <unistd.h>

static napi_value pidfd_open(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t pid, flags;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &pid) || !arg_i32(env, argv[1], &flags)) return NULL;
  long fd = syscall(SYS_pidfd_open, pid, flags);
  if (fd < 0) return throw_errno(env, "pidfd_open");
  return make_i32(env, (int32_t)fd);
}

static napi_value pidfd_getfd(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t pidfd, target_fd, flags;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &pidfd) || !arg_i32(env, argv[1], &target_fd) ||
      !arg_i32(env, argv[2], &flags))
    return NULL;
  long fd = syscall(SYS_pidfd_getfd, pidfd, target_fd, flags);
  if (fd < 0) return throw_errno(env, "pidfd_getfd");
  return make_i32(env, (int32_t)fd);
}

static napi_value pidfd_send_signal(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t pidfd, signal, flags;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &pidfd) || !arg_i32(env, argv[1], &signal) ||
      !arg_i32(env, argv[2], &flags))
    return NULL;
  if (syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, flags) < 0) return throw_errno(env, "pidfd_send_signal");
  return make_undefined(env);
}

static napi_value kcmp(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  int32_t pid1, pid2, type;
  uint64_t index1, index2;
  if (!get_args(env, info, 5, argv) || !arg_i32(env, argv[0], &pid1) || !arg_i32(env, argv[1], &pid2) ||
      !arg_i32(env, argv[2], &type) || !arg_u64(env, argv[3], &index1) || !arg_u64(env, argv[4], &index2))
    return NULL;
  long order = syscall(SYS_kcmp, pid1, pid2, type, index1, index2);
  if (order < 0) return throw_errno(env, "kcmp");
  return make_i32(env, (int32_t)order);
}

bool register_pidfd(napi_env env, napi_value exports) {
  static const napi_property_descriptor functions[] = {
    FUNCTION("pidfdOpen", pidfd_open),
    FUNCTION("pidfdGetfd", pidfd_getfd),
    FUNCTION("pidfdSendSignal", pidfd_send_signal),
    FUNCTION("kcmp", kcmp),
  };
  return define_functions(env, exports, functions, sizeof functions / sizeof functions[0]);
}
