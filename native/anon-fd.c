/* Files without a path that amber recreates itself: eventfd, timerfd, signalfd, epoll. */
#include "util.h"

#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

static napi_value event_fd(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  uint64_t initial;
  int32_t flags;
  if (!get_args(env, info, 2, argv) || !arg_u64(env, argv[0], &initial) || !arg_i32(env, argv[1], &flags)) return NULL;
  /* eventfd(2) takes an unsigned int; a larger counter is written afterwards. */
  int fd = eventfd((unsigned)initial, flags);
  if (fd < 0) return throw_errno(env, "eventfd");
  return make_i32(env, fd);
}

static napi_value timer_fd_create(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t clock, flags;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &clock) || !arg_i32(env, argv[1], &flags)) return NULL;
  int fd = timerfd_create(clock, flags);
  if (fd < 0) return throw_errno(env, "timerfd_create");
  return make_i32(env, fd);
}

/* timerfd_settime with a raw struct itimerspec (32 bytes: interval, then value). */
static napi_value timer_fd_settime(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, flags;
  void *data;
  size_t length;
  struct itimerspec value;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &fd) || !arg_i32(env, argv[1], &flags) ||
      !arg_buffer(env, argv[2], &data, &length))
    return NULL;
  if (length != sizeof value) {
    napi_throw_range_error(env, NULL, "itimerspec must be 32 bytes");
    return NULL;
  }
  memcpy(&value, data, sizeof value);
  if (timerfd_settime(fd, flags, &value, NULL) < 0) return throw_errno(env, "timerfd_settime");
  return make_undefined(env);
}

/* signalfd4 with the kernel's 8-byte mask rather than glibc's 128-byte sigset_t. */
static napi_value signal_fd(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  uint64_t mask;
  int32_t flags;
  if (!get_args(env, info, 2, argv) || !arg_u64(env, argv[0], &mask) || !arg_i32(env, argv[1], &flags)) return NULL;
  long fd = syscall(SYS_signalfd4, -1, &mask, sizeof mask, flags);
  if (fd < 0) return throw_errno(env, "signalfd4");
  return make_i32(env, (int32_t)fd);
}

static napi_value epoll_fd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t flags;
  if (!get_args(env, info, 1, argv) || !arg_i32(env, argv[0], &flags)) return NULL;
  int fd = epoll_create1(flags);
  if (fd < 0) return throw_errno(env, "epoll_create1");
  return make_i32(env, fd);
}

bool register_anon_fd(napi_env env, napi_value exports) {
  static const napi_property_descriptor functions[] = {
    FUNCTION("eventfd", event_fd),
    FUNCTION("timerfdCreate", timer_fd_create),
    FUNCTION("timerfdSettime", timer_fd_settime),
    FUNCTION("signalfd", signal_fd),
    FUNCTION("epollCreate", epoll_fd),
  };
  return define_functions(env, exports, functions, sizeof functions / sizeof functions[0]);
}
