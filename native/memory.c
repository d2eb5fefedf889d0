/* Memory of other tasks (process_vm_readv/writev) and file mappings exposed as Buffers. */
#include "util.h"

#include <stdlib.h>
#include <sys/mman.h>
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

/* Shared by a mapped Buffer's finalizer and munmapBuffer, so the region is unmapped exactly once. */
struct mapping {
  void *address;
  size_t length;
};

static void unmap_once(struct mapping *mapping) {
  if (mapping->address != NULL) munmap(mapping->address, mapping->length);
  mapping->address = NULL;
}

static void finalize_mapping(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  unmap_once(hint);
  free(hint);
}

static napi_value mmap_file(napi_env env, napi_callback_info info) {
  napi_value argv[5], buffer;
  int32_t fd, prot, flags;
  int64_t offset;
  size_t length;
  if (!get_args(env, info, 5, argv) || !arg_i32(env, argv[0], &fd) || !arg_i64(env, argv[1], &offset) ||
      !arg_size(env, argv[2], &length) || !arg_i32(env, argv[3], &prot) || !arg_i32(env, argv[4], &flags))
    return NULL;
  struct mapping *mapping = malloc(sizeof *mapping);
  if (mapping == NULL) return throw_errno(env, "malloc");
  mapping->length = length;
  mapping->address = mmap(NULL, length, prot, flags, fd, offset);
  if (mapping->address == MAP_FAILED) {
    free(mapping);
    return throw_errno(env, "mmap");
  }
  if (napi_create_external_buffer(env, length, mapping->address, finalize_mapping, mapping, &buffer) != napi_ok) {
    unmap_once(mapping);
    free(mapping);
    return NULL;
  }
  if (napi_wrap(env, buffer, mapping, NULL, NULL, NULL) != napi_ok) return NULL;
  return buffer;
}

/* Unmaps now and detaches the Buffer's memory, so JavaScript sees an empty Buffer instead of a dangling one. */
static napi_value munmap_buffer(napi_env env, napi_callback_info info) {
  napi_value argv[1], array_buffer;
  struct mapping *mapping;
  if (!get_args(env, info, 1, argv)) return NULL;
  if (napi_remove_wrap(env, argv[0], (void **)&mapping) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a mapped Buffer that is still mapped");
    return NULL;
  }
  unmap_once(mapping);
  if (napi_get_typedarray_info(env, argv[0], NULL, NULL, NULL, &array_buffer, NULL) != napi_ok ||
      napi_detach_arraybuffer(env, array_buffer) != napi_ok)
    return NULL;
  return make_undefined(env);
}

bool register_memory(napi_env env, napi_value exports) {
  static const napi_property_descriptor functions[] = {
    FUNCTION("processVmReadv", vm_readv),
    FUNCTION("processVmWritev", vm_writev),
    FUNCTION("mmapFile", mmap_file),
    FUNCTION("munmapBuffer", munmap_buffer),
  };
  return define_functions(env, exports, functions, sizeof functions / sizeof functions[0]);
}
