#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

napi_value throw_errno(napi_env env, const char *syscall) {
  int errnum = errno;
  const char *name = strerrorname_np(errnum);
  const char *description = strerrordesc_np(errnum);
  char code_text[32];
  char message_text[256];
  if (name == NULL) {
    snprintf(code_text, sizeof code_text, "E%d", errnum);
    name = code_text;
  }
  snprintf(message_text, sizeof message_text, "%s failed: %s", syscall,
           description != NULL ? description : name);

  napi_value code, message, error, errno_value, syscall_value;
  if (napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code) != napi_ok ||
      napi_create_string_utf8(env, message_text, NAPI_AUTO_LENGTH, &message) != napi_ok ||
      napi_create_error(env, code, message, &error) != napi_ok ||
      napi_create_int32(env, errnum, &errno_value) != napi_ok ||
      napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscall_value) != napi_ok ||
      napi_set_named_property(env, error, "errno", errno_value) != napi_ok ||
      napi_set_named_property(env, error, "syscall", syscall_value) != napi_ok)
    return NULL;
  napi_throw(env, error);
  return NULL;
}

static bool type_error(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return false;
}

bool get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  size_t given = count;
  if (napi_get_cb_info(env, info, &given, argv, NULL, NULL) != napi_ok) return false;
  if (given < count) return type_error(env, "too few arguments");
  return true;
}

bool arg_i32(napi_env env, napi_value value, int32_t *out) {
  if (napi_get_value_int32(env, value, out) != napi_ok) return type_error(env, "expected a number");
  return true;
}

bool arg_i64(napi_env env, napi_value value, int64_t *out) {
  if (napi_get_value_int64(env, value, out) != napi_ok) return type_error(env, "expected a number");
  return true;
}

bool arg_size(napi_env env, napi_value value, size_t *out) {
  int64_t number;
  if (!arg_i64(env, value, &number)) return false;
  if (number < 0) {
    napi_throw_range_error(env, NULL, "expected a non-negative size");
    return false;
  }
  *out = (size_t)number;
  return true;
}

/* Accepts any bigint that fits 64 bits, signed or unsigned (two's complement). */
bool arg_u64(napi_env env, napi_value value, uint64_t *out) {
  bool lossless;
  if (napi_get_value_bigint_uint64(env, value, out, &lossless) != napi_ok) return type_error(env, "expected a bigint");
  if (lossless) return true;
  int64_t signed_value;
  if (napi_get_value_bigint_int64(env, value, &signed_value, &lossless) == napi_ok && lossless) {
    *out = (uint64_t)signed_value;
    return true;
  }
  napi_throw_range_error(env, NULL, "bigint does not fit 64 bits");
  return false;
}

bool arg_bool(napi_env env, napi_value value, bool *out) {
  if (napi_get_value_bool(env, value, out) != napi_ok) return type_error(env, "expected a boolean");
  return true;
}

bool arg_buffer(napi_env env, napi_value value, void **data, size_t *length) {
  if (napi_get_buffer_info(env, value, data, length) != napi_ok) return type_error(env, "expected a Buffer");
  return true;
}

bool arg_string(napi_env env, napi_value value, char *out, size_t size) {
  if (napi_get_value_string_utf8(env, value, out, size, NULL) != napi_ok) return type_error(env, "expected a string");
  return true;
}

bool arg_array_length(napi_env env, napi_value value, uint32_t *length) {
  if (napi_get_array_length(env, value, length) != napi_ok) return type_error(env, "expected an array");
  return true;
}

bool arg_element(napi_env env, napi_value array, uint32_t index, napi_value *out) {
  return napi_get_element(env, array, index, out) == napi_ok;
}

bool arg_property(napi_env env, napi_value object, const char *name, napi_value *out) {
  if (napi_get_named_property(env, object, name, out) != napi_ok) return type_error(env, "expected an object");
  return true;
}

bool is_null(napi_env env, napi_value value) {
  napi_valuetype type;
  return napi_typeof(env, value, &type) == napi_ok && (type == napi_null || type == napi_undefined);
}

napi_value make_undefined(napi_env env) {
  napi_value result;
  napi_get_undefined(env, &result);
  return result;
}

napi_value make_null(napi_env env) {
  napi_value result;
  napi_get_null(env, &result);
  return result;
}

napi_value make_i32(napi_env env, int32_t value) {
  napi_value result;
  if (napi_create_int32(env, value, &result) != napi_ok) return NULL;
  return result;
}

napi_value make_i64(napi_env env, int64_t value) {
  napi_value result;
  if (napi_create_int64(env, value, &result) != napi_ok) return NULL;
  return result;
}

napi_value make_u64(napi_env env, uint64_t value) {
  napi_value result;
  if (napi_create_bigint_uint64(env, value, &result) != napi_ok) return NULL;
  return result;
}

napi_value make_buffer_copy(napi_env env, const void *data, size_t length) {
  napi_value result;
  if (napi_create_buffer_copy(env, length, data, NULL, &result) != napi_ok) return NULL;
  return result;
}

napi_value make_i32_pair(napi_env env, const int pair[2]) {
  napi_value result;
  if (napi_create_array_with_length(env, 2, &result) != napi_ok ||
      napi_set_element(env, result, 0, make_i32(env, pair[0])) != napi_ok ||
      napi_set_element(env, result, 1, make_i32(env, pair[1])) != napi_ok)
    return NULL;
  return result;
}

bool define_functions(napi_env env, napi_value exports, const napi_property_descriptor *functions, size_t count) {
  return napi_define_properties(env, exports, count, functions) == napi_ok;
}
