/* File descriptors: pipes, splicing, memfd, userfaultfd, fcntl and ioctl. */
#include "util.h"

#include <fcntl.h>
#include <linux/limits.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static napi_value close_fd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!get_args(env, info, 1, argv) || !arg_i32(env, argv[0], &fd)) return NULL;
  if (close(fd) < 0) return throw_errno(env, "close");
  return make_undefined(env);
}

static napi_value fcntl_fd(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, command, argument;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &fd) || !arg_i32(env, argv[1], &command) ||
      !arg_i32(env, argv[2], &argument))
    return NULL;
  int result = fcntl(fd, command, argument);
  if (result < 0) return throw_errno(env, "fcntl");
  return make_i32(env, result);
}

static napi_value pipe_fds(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t flags;
  int fds[2];
  if (!get_args(env, info, 1, argv) || !arg_i32(env, argv[0], &flags)) return NULL;
  if (pipe2(fds, flags) < 0) return throw_errno(env, "pipe2");
  return make_i32_pair(env, fds);
}

static napi_value tee_pipe(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd_in, fd_out, flags;
  size_t length;
  if (!get_args(env, info, 4, argv) || !arg_i32(env, argv[0], &fd_in) || !arg_i32(env, argv[1], &fd_out) ||
      !arg_size(env, argv[2], &length) || !arg_i32(env, argv[3], &flags))
    return NULL;
  ssize_t copied = tee(fd_in, fd_out, length, (unsigned)flags);
  if (copied < 0) return throw_errno(env, "tee");
  return make_i64(env, copied);
}

/* An optional file offset: null means "use and move the file position" (splice(2)). */
static bool arg_offset(napi_env env, napi_value value, off64_t *offset, off64_t **pointer) {
  uint64_t number;
  *pointer = NULL;
  if (is_null(env, value)) return true;
  if (!arg_u64(env, value, &number)) return false;
  *offset = (off64_t)number;
  *pointer = offset;
  return true;
}

static napi_value splice_fds(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  int32_t fd_in, fd_out, flags;
  off64_t offset_in, offset_out, *offset_in_pointer, *offset_out_pointer;
  size_t length;
  if (!get_args(env, info, 6, argv) || !arg_i32(env, argv[0], &fd_in) ||
      !arg_offset(env, argv[1], &offset_in, &offset_in_pointer) || !arg_i32(env, argv[2], &fd_out) ||
      !arg_offset(env, argv[3], &offset_out, &offset_out_pointer) || !arg_size(env, argv[4], &length) ||
      !arg_i32(env, argv[5], &flags))
    return NULL;
  ssize_t moved = splice(fd_in, offset_in_pointer, fd_out, offset_out_pointer, length, (unsigned)flags);
  if (moved < 0) return throw_errno(env, "splice");
  return make_i64(env, moved);
}

static napi_value memfd(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char name[NAME_MAX + 1];
  int32_t flags;
  if (!get_args(env, info, 2, argv) || !arg_string(env, argv[0], name, sizeof name) || !arg_i32(env, argv[1], &flags))
    return NULL;
  int fd = memfd_create(name, (unsigned)flags);
  if (fd < 0) return throw_errno(env, "memfd_create");
  return make_i32(env, fd);
}

static napi_value userfaultfd(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t flags;
  if (!get_args(env, info, 1, argv) || !arg_i32(env, argv[0], &flags)) return NULL;
  long fd = syscall(SYS_userfaultfd, flags);
  if (fd < 0) return throw_errno(env, "userfaultfd");
  return make_i32(env, (int32_t)fd);
}

static napi_value ioctl_buffer(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd;
  uint64_t request;
  void *data;
  size_t length;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &fd) || !arg_u64(env, argv[1], &request) ||
      !arg_buffer(env, argv[2], &data, &length))
    return NULL;
  int result = ioctl(fd, request, data);
  if (result < 0) return throw_errno(env, "ioctl");
  return make_i32(env, result);
}

static napi_value ioctl_int(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd;
  uint64_t request, argument;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &fd) || !arg_u64(env, argv[1], &request) ||
      !arg_u64(env, argv[2], &argument))
    return NULL;
  int result = ioctl(fd, request, argument);
  if (result < 0) return throw_errno(env, "ioctl");
  return make_i32(env, result);
}

bool register_fd(napi_env env, napi_value exports) {
  static const napi_property_descriptor functions[] = {
    FUNCTION("close", close_fd),
    FUNCTION("fcntl", fcntl_fd),
    FUNCTION("pipe2", pipe_fds),
    FUNCTION("tee", tee_pipe),
    FUNCTION("splice", splice_fds),
    FUNCTION("memfdCreate", memfd),
    FUNCTION("userfaultfd", userfaultfd),
    FUNCTION("ioctlBuffer", ioctl_buffer),
    FUNCTION("ioctlInt", ioctl_int),
  };
  return define_functions(env, exports, functions, sizeof functions / sizeof functions[0]);
}
