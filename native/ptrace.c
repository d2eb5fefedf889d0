/* ptrace(2) requests. */
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#define REQUEST(name) name, "ptrace(" #name ")"

enum { SIGINFO_SIZE = 128, SIGSET_SIZE = 8, BPF_INSTRUCTION_SIZE = 8 };

/* Requests of the form ptrace(request, tid, 0, data), with data the second argument when there is one. */
struct simple_request {
  const char *name;
  enum __ptrace_request request;
  const char *syscall;
  size_t argc;
};

static const struct simple_request simple_requests[] = {
  { "ptraceSeize", REQUEST(PTRACE_SEIZE), 2 },
  { "ptraceInterrupt", REQUEST(PTRACE_INTERRUPT), 1 },
  { "ptraceCont", REQUEST(PTRACE_CONT), 2 },
  { "ptraceSyscall", REQUEST(PTRACE_SYSCALL), 2 },
  { "ptraceDetach", REQUEST(PTRACE_DETACH), 2 },
  { "ptraceListen", REQUEST(PTRACE_LISTEN), 1 },
  { "ptraceSetOptions", REQUEST(PTRACE_SETOPTIONS), 2 },
};

static napi_value simple(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  const struct simple_request *simple_request;
  int32_t tid, data = 0;
  if (napi_get_cb_info(env, info, NULL, NULL, NULL, (void **)&simple_request) != napi_ok) return NULL;
  if (!get_args(env, info, simple_request->argc, argv) || !arg_i32(env, argv[0], &tid) ||
      (simple_request->argc > 1 && !arg_i32(env, argv[1], &data)))
    return NULL;
  if (ptrace(simple_request->request, tid, NULL, (void *)(intptr_t)data) < 0)
    return throw_errno(env, simple_request->syscall);
  return make_undefined(env);
}

static napi_value get_regset(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t tid, note_type;
  size_t max_size;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &tid) || !arg_i32(env, argv[1], &note_type) ||
      !arg_size(env, argv[2], &max_size))
    return NULL;
  struct iovec iov = { .iov_base = malloc(max_size + 1), .iov_len = max_size };
  if (iov.iov_base == NULL) return throw_errno(env, "malloc");
  napi_value result = ptrace(PTRACE_GETREGSET, tid, (void *)(intptr_t)note_type, &iov) < 0
                          ? throw_errno(env, "ptrace(PTRACE_GETREGSET)")
                          : make_buffer_copy(env, iov.iov_base, iov.iov_len);
  free(iov.iov_base);
  return result;
}

static napi_value set_regset(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t tid, note_type;
  struct iovec iov;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &tid) || !arg_i32(env, argv[1], &note_type) ||
      !arg_buffer(env, argv[2], &iov.iov_base, &iov.iov_len))
    return NULL;
  if (ptrace(PTRACE_SETREGSET, tid, (void *)(intptr_t)note_type, &iov) < 0)
    return throw_errno(env, "ptrace(PTRACE_SETREGSET)");
  return make_undefined(env);
}

static napi_value get_siginfo(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t tid;
  siginfo_t siginfo;
  if (!get_args(env, info, 1, argv) || !arg_i32(env, argv[0], &tid)) return NULL;
  if (ptrace(PTRACE_GETSIGINFO, tid, NULL, &siginfo) < 0) return throw_errno(env, "ptrace(PTRACE_GETSIGINFO)");
  return make_buffer_copy(env, &siginfo, sizeof siginfo);
}

static napi_value set_siginfo(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t tid;
  void *siginfo;
  size_t length;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &tid) || !arg_buffer(env, argv[1], &siginfo, &length))
    return NULL;
  if (length != SIGINFO_SIZE) {
    napi_throw_range_error(env, NULL, "siginfo must be 128 bytes");
    return NULL;
  }
  if (ptrace(PTRACE_SETSIGINFO, tid, NULL, siginfo) < 0) return throw_errno(env, "ptrace(PTRACE_SETSIGINFO)");
  return make_undefined(env);
}

static napi_value peek_siginfo(napi_env env, napi_callback_info info) {
  napi_value argv[4], result;
  int32_t tid, count;
  int64_t offset;
  bool shared;
  if (!get_args(env, info, 4, argv) || !arg_i32(env, argv[0], &tid) || !arg_i64(env, argv[1], &offset) ||
      !arg_i32(env, argv[2], &count) || !arg_bool(env, argv[3], &shared))
    return NULL;
  struct __ptrace_peeksiginfo_args args = {
    .off = (uint64_t)offset, .flags = shared ? PTRACE_PEEKSIGINFO_SHARED : 0, .nr = count
  };
  char *queue = malloc((size_t)(count > 0 ? count : 1) * SIGINFO_SIZE);
  if (queue == NULL) return throw_errno(env, "malloc");
  long found = ptrace(PTRACE_PEEKSIGINFO, tid, &args, queue);
  if (found < 0) {
    result = throw_errno(env, "ptrace(PTRACE_PEEKSIGINFO)");
  } else if (napi_create_array_with_length(env, (size_t)found, &result) == napi_ok) {
    for (long i = 0; i < found && result != NULL; i++)
      if (napi_set_element(env, result, (uint32_t)i, make_buffer_copy(env, queue + i * SIGINFO_SIZE, SIGINFO_SIZE)) !=
          napi_ok)
        result = NULL;
  }
  free(queue);
  return result;
}

static napi_value get_sigmask(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t tid;
  uint64_t mask;
  if (!get_args(env, info, 1, argv) || !arg_i32(env, argv[0], &tid)) return NULL;
  if (ptrace(PTRACE_GETSIGMASK, tid, (void *)SIGSET_SIZE, &mask) < 0) return throw_errno(env, "ptrace(PTRACE_GETSIGMASK)");
  return make_u64(env, mask);
}

static napi_value set_sigmask(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t tid;
  uint64_t mask;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &tid) || !arg_u64(env, argv[1], &mask)) return NULL;
  if (ptrace(PTRACE_SETSIGMASK, tid, (void *)SIGSET_SIZE, &mask) < 0) return throw_errno(env, "ptrace(PTRACE_SETSIGMASK)");
  return make_undefined(env);
}

static napi_value get_rseq_configuration(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t tid;
  struct __ptrace_rseq_configuration configuration;
  if (!get_args(env, info, 1, argv) || !arg_i32(env, argv[0], &tid)) return NULL;
  long size = ptrace(PTRACE_GET_RSEQ_CONFIGURATION, tid, (void *)sizeof configuration, &configuration);
  if (size < 0) return throw_errno(env, "ptrace(PTRACE_GET_RSEQ_CONFIGURATION)");
  return make_buffer_copy(env, &configuration, (size_t)size);
}

/* PTRACE_GET_THREAD_AREA: struct user_desc of GDT slot `index` (EIO on kernels without IA32 emulation). */
static napi_value get_thread_area(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t tid, index;
  uint32_t desc[4] = { 0 };
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &tid) || !arg_i32(env, argv[1], &index)) return NULL;
  if (ptrace(PTRACE_GET_THREAD_AREA, tid, (void *)(intptr_t)index, desc) < 0) return throw_errno(env, "ptrace(PTRACE_GET_THREAD_AREA)");
  return make_buffer_copy(env, desc, sizeof desc);
}

/* The first call (NULL buffer) returns the number of instructions, the second fills them. */
static napi_value seccomp_get_filter(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t tid, index;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &tid) || !arg_i32(env, argv[1], &index)) return NULL;
  long count = ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)(intptr_t)index, NULL);
  if (count < 0) return throw_errno(env, "ptrace(PTRACE_SECCOMP_GET_FILTER)");
  void *program = malloc((size_t)count * BPF_INSTRUCTION_SIZE + 1);
  if (program == NULL) return throw_errno(env, "malloc");
  count = ptrace(PTRACE_SECCOMP_GET_FILTER, tid, (void *)(intptr_t)index, program);
  napi_value result = count < 0 ? throw_errno(env, "ptrace(PTRACE_SECCOMP_GET_FILTER)")
                                : make_buffer_copy(env, program, (size_t)count * BPF_INSTRUCTION_SIZE);
  free(program);
  return result;
}

static napi_value get_event_msg(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t tid;
  unsigned long message;
  if (!get_args(env, info, 1, argv) || !arg_i32(env, argv[0], &tid)) return NULL;
  if (ptrace(PTRACE_GETEVENTMSG, tid, NULL, &message) < 0) return throw_errno(env, "ptrace(PTRACE_GETEVENTMSG)");
  return make_u64(env, message);
}

/* PEEKDATA returns the word itself, so -1 is an error only when errno was set (ptrace(2)). */
static napi_value peek_data(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t tid;
  uint64_t address;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &tid) || !arg_u64(env, argv[1], &address)) return NULL;
  errno = 0;
  long word = ptrace(PTRACE_PEEKDATA, tid, (void *)address, NULL);
  if (word == -1 && errno != 0) return throw_errno(env, "ptrace(PTRACE_PEEKDATA)");
  return make_u64(env, (uint64_t)word);
}

static napi_value poke_data(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t tid;
  uint64_t address, word;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &tid) || !arg_u64(env, argv[1], &address) ||
      !arg_u64(env, argv[2], &word))
    return NULL;
  if (ptrace(PTRACE_POKEDATA, tid, (void *)address, (void *)word) < 0) return throw_errno(env, "ptrace(PTRACE_POKEDATA)");
  return make_undefined(env);
}

bool register_ptrace(napi_env env, napi_value exports) {
  static const napi_property_descriptor functions[] = {
    FUNCTION("ptraceGetRegset", get_regset),
    FUNCTION("ptraceSetRegset", set_regset),
    FUNCTION("ptraceGetSiginfo", get_siginfo),
    FUNCTION("ptraceSetSiginfo", set_siginfo),
    FUNCTION("ptracePeekSiginfo", peek_siginfo),
    FUNCTION("ptraceGetSigmask", get_sigmask),
    FUNCTION("ptraceSetSigmask", set_sigmask),
    FUNCTION("ptraceGetRseqConfiguration", get_rseq_configuration),
    FUNCTION("ptraceGetThreadArea", get_thread_area),
    FUNCTION("ptraceSeccompGetFilter", seccomp_get_filter),
    FUNCTION("ptraceGetEventMsg", get_event_msg),
    FUNCTION("ptracePeekData", peek_data),
    FUNCTION("ptracePokeData", poke_data),
  };
  for (size_t i = 0; i < sizeof simple_requests / sizeof simple_requests[0]; i++) {
    napi_property_descriptor function = FUNCTION(simple_requests[i].name, simple);
    function.data = (void *)&simple_requests[i];
    if (!define_functions(env, exports, &function, 1)) return false;
  }
  return define_functions(env, exports, functions, sizeof functions / sizeof functions[0]);
}
