/* Registers every group of system call wrappers on the module's exports. */
#include "util.h"

static napi_value init(napi_env env, napi_value exports) {
  if (!register_ptrace(env, exports) || !register_memory(env, exports) || !register_process(env, exports) ||
      !register_pidfd(env, exports) ||
      !register_fd(env, exports) || !register_socket(env, exports) || !register_anon_fd(env, exports))
    return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
