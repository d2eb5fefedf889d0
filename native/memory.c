/* Memory of other tasks (process_vm_readv/writev). */
#include "util.h"

#include <stdlib.h>
#include <sys/uio.h>

/* Fills a malloc'd iovec array from an array of Buffers; returns NULL (with an exception) on failure. */
static struct iovec *local_iovecs(napi_env env, napi_value buffers, uint32_t *count) {
  if (!arg_array_length(env, buffers, count)) return NULL;
  struct iovec *iov = calloc(*count + 1, sizeof *iov);
  if (iov == NULL) return (struct iovec *)throw_errno(env, "calloc");
  for (uint32_t i = 0; i < *count; i++) {
    napi_value buffer;
    if (!arg_element(env, buffers, i, &buffer) || !arg_buffer(env, buffer, &iov[i].iov_base, &iov[i].iov_len)) {
      free(iov);
      return NULL;
    }
  }
  return iov;
}

/* Fills a malloc'd iovec array from an array of {addr: bigint, len: number}. */
static struct iovec *remote_iovecs(napi_env env, napi_value ranges, uint32_t *count) {
  if (!arg_array_length(env, ranges, count)) return NULL;
  struct iovec *iov = calloc(*count + 1, sizeof *iov);
  if (iov == NULL) return (struct iovec *)throw_errno(env, "calloc");
  for (uint32_t i = 0; i < *count; i++) {
    napi_value range, addr, len;
    uint64_t address;
    if (!arg_element(env, ranges, i, &range) || !arg_property(env, range, "addr", &addr) ||
        !arg_property(env, range, "len", &len) || !arg_u64(env, addr, &address) ||
        !arg_size(env, len, &iov[i].iov_len)) {
      free(iov);
      return NULL;
    }
    iov[i].iov_base = (void *)address;
  }
  return iov;
}

typedef ssize_t (*vm_transfer)(pid_t, const struct iovec *, unsigned long, const struct iovec *, unsigned long,
                               unsigned long);

static napi_value transfer(napi_env env, napi_callback_info info, vm_transfer call, const char *syscall) {
  napi_value argv[3], result = NULL;
  int32_t pid;
  uint32_t local_count, remote_count;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &pid)) return NULL;
  struct iovec *local = local_iovecs(env, argv[1], &local_count);
  if (local == NULL) return NULL;
  struct iovec *remote = remote_iovecs(env, argv[2], &remote_count);
  if (remote != NULL) {
    ssize_t done = call(pid, local, local_count, remote, remote_count, 0);
    result = done < 0 ? throw_errno(env, syscall) : make_i64(env, done);
  }
  free(local);
  free(remote);
  return result;
}

static napi_value vm_readv(napi_env env, napi_callback_info info) {
  return transfer(env, info, process_vm_readv, "process_vm_readv");
}

static napi_value vm_writev(napi_env env, napi_callback_info info) {
  return transfer(env, info, process_vm_writev, "process_vm_writev");
}

bool register_memory(napi_env env, napi_value exports) {
  static const napi_property_descriptor functions[] = {
    FUNCTION("processVmReadv", vm_readv),
    FUNCTION("processVmWritev", vm_writev),
  };
  return define_functions(env, exports, functions, sizeof functions / sizeof functions[0]);
}
