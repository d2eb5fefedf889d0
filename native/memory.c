/* Memory of other tasks (process_vm_readv/writev). */
#include "util.h"

#include <limits.h>
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

/*
 * process_vm_readv(pid, buffer, ranges, count): reads `count` remote ranges, given
 * as (address, length) pairs in a Float64Array, back to back into one buffer. It
 * allocates nothing on either side, for loops that read many slots in a row.
 */
static napi_value vm_readv_pairs(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t pid;
  uint32_t count;
  void *local_data;
  size_t local_length;
  napi_typedarray_type type;
  size_t pair_elements;
  void *pair_data;
  if (!get_args(env, info, 4, argv) || !arg_i32(env, argv[0], &pid) ||
      !arg_buffer(env, argv[1], &local_data, &local_length))
    return NULL;
  if (napi_get_typedarray_info(env, argv[2], &type, &pair_elements, &pair_data, NULL, NULL) != napi_ok ||
      type != napi_float64_array) {
    napi_throw_type_error(env, NULL, "expected a Float64Array of (address, length) pairs");
    return NULL;
  }
  if (napi_get_value_uint32(env, argv[3], &count) != napi_ok || count > IOV_MAX || (size_t)count * 2 > pair_elements) {
    napi_throw_range_error(env, NULL, "range count out of bounds");
    return NULL;
  }
  const double *pairs = pair_data;
  struct iovec remote[IOV_MAX];
  for (uint32_t i = 0; i < count; i++) {
    remote[i].iov_base = (void *)(uintptr_t)pairs[2 * i];
    remote[i].iov_len = (size_t)pairs[2 * i + 1];
  }
  struct iovec local = {local_data, local_length};
  ssize_t done = process_vm_readv(pid, &local, 1, remote, count, 0);
  return done < 0 ? throw_errno(env, "process_vm_readv") : make_i64(env, done);
}

bool register_memory(napi_env env, napi_value exports) {
  static const napi_property_descriptor functions[] = {
    FUNCTION("processVmReadv", vm_readv),
    FUNCTION("processVmWritev", vm_writev),
    FUNCTION("processVmReadvPairs", vm_readv_pairs),
  };
  return define_functions(env, exports, functions, sizeof functions / sizeof functions[0]);
}
