/* Shared helpers of the amber addon: argument conversion, results and errors. */
#ifndef AMBER_UTIL_H
#define AMBER_UTIL_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FUNCTION(name, callback) { name, NULL, callback, NULL, NULL, NULL, napi_default, NULL }

/* Throws Error{code: "EXXX", errno, syscall} for the current errno; returns NULL. */
napi_value throw_errno(napi_env env, const char *syscall);

/* Each getter throws a TypeError/RangeError and returns false on a bad argument. */
bool get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv);
bool arg_i32(napi_env env, napi_value value, int32_t *out);
bool arg_i64(napi_env env, napi_value value, int64_t *out);
bool arg_size(napi_env env, napi_value value, size_t *out);
bool arg_u64(napi_env env, napi_value value, uint64_t *out);
bool arg_bool(napi_env env, napi_value value, bool *out);
bool arg_buffer(napi_env env, napi_value value, void **data, size_t *length);
bool arg_string(napi_env env, napi_value value, char *out, size_t size);
bool arg_array_length(napi_env env, napi_value value, uint32_t *length);
bool arg_element(napi_env env, napi_value array, uint32_t index, napi_value *out);
bool arg_property(napi_env env, napi_value object, const char *name, napi_value *out);
bool is_null(napi_env env, napi_value value);

napi_value make_undefined(napi_env env);
napi_value make_null(napi_env env);
napi_value make_i32(napi_env env, int32_t value);
napi_value make_i64(napi_env env, int64_t value);
napi_value make_u64(napi_env env, uint64_t value);
napi_value make_buffer_copy(napi_env env, const void *data, size_t length);
napi_value make_i32_pair(napi_env env, const int pair[2]);

bool define_functions(napi_env env, napi_value exports, const napi_property_descriptor *functions, size_t count);

/* Registration of each group of functions (one per source file). */
bool register_ptrace(napi_env env, napi_value exports);
bool register_memory(napi_env env, napi_value exports);
bool register_process(napi_env env, napi_value exports);
bool register_pidfd(napi_env env, napi_value exports);
bool register_fd(napi_env env, napi_value exports);
bool register_socket(napi_env env, napi_value exports);
bool register_anon_fd(napi_env env, napi_value exports);

#endif
