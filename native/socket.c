/* Sockets: creation, addresses, options and sendmsg/recvmsg with SCM_RIGHTS and SCM_CREDENTIALS. */
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

enum { MAX_RIGHTS = 253 }; /* SCM_MAX_FD, unix(7) */

static napi_value socket_create(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t domain, type, protocol;
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &domain) || !arg_i32(env, argv[1], &type) ||
      !arg_i32(env, argv[2], &protocol))
    return NULL;
  int fd = socket(domain, type, protocol);
  if (fd < 0) return throw_errno(env, "socket");
  return make_i32(env, fd);
}

static napi_value socket_pair(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t domain, type, protocol;
  int fds[2];
  if (!get_args(env, info, 3, argv) || !arg_i32(env, argv[0], &domain) || !arg_i32(env, argv[1], &type) ||
      !arg_i32(env, argv[2], &protocol))
    return NULL;
  if (socketpair(domain, type, protocol, fds) < 0) return throw_errno(env, "socketpair");
  return make_i32_pair(env, fds);
}

typedef int (*address_call)(int, const struct sockaddr *, socklen_t);

static napi_value with_address(napi_env env, napi_callback_info info, address_call call, const char *syscall) {
  napi_value argv[2];
  int32_t fd;
  void *address;
  size_t length;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &fd) || !arg_buffer(env, argv[1], &address, &length))
    return NULL;
  if (call(fd, address, (socklen_t)length) < 0) return throw_errno(env, syscall);
  return make_undefined(env);
}

static napi_value bind_socket(napi_env env, napi_callback_info info) {
  return with_address(env, info, bind, "bind");
}

static napi_value connect_socket(napi_env env, napi_callback_info info) {
  return with_address(env, info, connect, "connect");
}

typedef int (*name_call)(int, struct sockaddr *, socklen_t *);

static napi_value get_name(napi_env env, napi_callback_info info, name_call call, const char *syscall) {
  napi_value argv[1];
  int32_t fd;
  struct sockaddr_storage address;
  socklen_t length = sizeof address;
  if (!get_args(env, info, 1, argv) || !arg_i32(env, argv[0], &fd)) return NULL;
  if (call(fd, (struct sockaddr *)&address, &length) < 0) return throw_errno(env, syscall);
  return make_buffer_copy(env, &address, length < sizeof address ? length : sizeof address);
}

static napi_value sock_name(napi_env env, napi_callback_info info) {
  return get_name(env, info, getsockname, "getsockname");
}

static napi_value peer_name(napi_env env, napi_callback_info info) {
  return get_name(env, info, getpeername, "getpeername");
}

static napi_value listen_socket(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, backlog;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &fd) || !arg_i32(env, argv[1], &backlog)) return NULL;
  if (listen(fd, backlog) < 0) return throw_errno(env, "listen");
  return make_undefined(env);
}

static napi_value accept_socket(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, flags;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &fd) || !arg_i32(env, argv[1], &flags)) return NULL;
  int accepted = accept4(fd, NULL, NULL, flags);
  if (accepted < 0) return throw_errno(env, "accept4");
  return make_i32(env, accepted);
}

static napi_value shutdown_socket(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, how;
  if (!get_args(env, info, 2, argv) || !arg_i32(env, argv[0], &fd) || !arg_i32(env, argv[1], &how)) return NULL;
  if (shutdown(fd, how) < 0) return throw_errno(env, "shutdown");
  return make_undefined(env);
}

static napi_value get_option(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, level, name;
  size_t max_length;
  if (!get_args(env, info, 4, argv) || !arg_i32(env, argv[0], &fd) || !arg_i32(env, argv[1], &level) ||
      !arg_i32(env, argv[2], &name) || !arg_size(env, argv[3], &max_length))
    return NULL;
  void *value = malloc(max_length + 1);
  if (value == NULL) return throw_errno(env, "malloc");
  socklen_t length = (socklen_t)max_length;
  napi_value result = getsockopt(fd, level, name, value, &length) < 0 ? throw_errno(env, "getsockopt")
                                                                       : make_buffer_copy(env, value, length);
  free(value);
  return result;
}

static napi_value set_option(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, level, name;
  void *value;
  size_t length;
  if (!get_args(env, info, 4, argv) || !arg_i32(env, argv[0], &fd) || !arg_i32(env, argv[1], &level) ||
      !arg_i32(env, argv[2], &name) || !arg_buffer(env, argv[3], &value, &length))
    return NULL;
  if (setsockopt(fd, level, name, value, (socklen_t)length) < 0) return throw_errno(env, "setsockopt");
  return make_undefined(env);
}

/* Control buffer big enough for the most fds one message can carry plus one ucred. */
union control {
  char bytes[CMSG_SPACE(MAX_RIGHTS * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
  struct cmsghdr align;
};

/* Writes one SOL_SOCKET control message at `offset` of the control buffer; returns the offset after it. */
static size_t append_control(char *control, size_t offset, int type, const void *data, size_t length) {
  struct cmsghdr *header = (struct cmsghdr *)(control + offset);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = type;
  header->cmsg_len = CMSG_LEN(length);
  memcpy(CMSG_DATA(header), data, length);
  return offset + CMSG_SPACE(length);
}

static bool arg_rights(napi_env env, napi_value array, int *fds, uint32_t *count) {
  if (!arg_array_length(env, array, count)) return false;
  if (*count > MAX_RIGHTS) {
    napi_throw_range_error(env, NULL, "too many fds for one SCM_RIGHTS message");
    return false;
  }
  for (uint32_t i = 0; i < *count; i++) {
    napi_value fd;
    if (!arg_element(env, array, i, &fd) || !arg_i32(env, fd, &fds[i])) return false;
  }
  return true;
}

static bool arg_credentials(napi_env env, napi_value value, struct ucred *creds) {
  napi_value pid, uid, gid;
  int64_t uid_number, gid_number;
  if (!arg_property(env, value, "pid", &pid) || !arg_property(env, value, "uid", &uid) ||
      !arg_property(env, value, "gid", &gid) || !arg_i32(env, pid, &creds->pid) || !arg_i64(env, uid, &uid_number) ||
      !arg_i64(env, gid, &gid_number))
    return false;
  creds->uid = (uid_t)uid_number;
  creds->gid = (gid_t)gid_number;
  return true;
}

static napi_value send_message(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  int32_t fd, flags;
  int rights[MAX_RIGHTS];
  uint32_t right_count;
  struct ucred creds;
  struct iovec data;
  union control control;
  struct msghdr message;
  size_t control_length = 0;
  size_t address_length = 0;
  memset(&message, 0, sizeof message);
  memset(&control, 0, sizeof control);
  if (!get_args(env, info, 6, argv) || !arg_i32(env, argv[0], &fd) ||
      !arg_buffer(env, argv[1], &data.iov_base, &data.iov_len) || !arg_rights(env, argv[2], rights, &right_count) ||
      (!is_null(env, argv[3]) && !arg_credentials(env, argv[3], &creds)) ||
      (!is_null(env, argv[4]) && !arg_buffer(env, argv[4], &message.msg_name, &address_length)) ||
      !arg_i32(env, argv[5], &flags))
    return NULL;
  message.msg_namelen = (socklen_t)address_length;
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  if (right_count > 0)
    control_length = append_control(control.bytes, control_length, SCM_RIGHTS, rights, right_count * sizeof(int));
  if (!is_null(env, argv[3]))
    control_length = append_control(control.bytes, control_length, SCM_CREDENTIALS, &creds, sizeof creds);
  message.msg_control = control_length > 0 ? control.bytes : NULL;
  message.msg_controllen = control_length;
  ssize_t sent = sendmsg(fd, &message, flags);
  if (sent < 0) return throw_errno(env, "sendmsg");
  return make_i64(env, sent);
}

/* Turns the received control messages into the `fds` array and the `creds` object (or null). */
static bool received_control(napi_env env, struct msghdr *message, napi_value result) {
  napi_value fds, creds;
  uint32_t fd_count = 0;
  if (napi_create_array(env, &fds) != napi_ok) return false;
  creds = make_null(env);
  for (struct cmsghdr *header = CMSG_FIRSTHDR(message); header != NULL; header = CMSG_NXTHDR(message, header)) {
    if (header->cmsg_level != SOL_SOCKET) continue;
    if (header->cmsg_type == SCM_RIGHTS) {
      size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; i++) {
        int fd;
        memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof fd);
        if (napi_set_element(env, fds, fd_count++, make_i32(env, fd)) != napi_ok) return false;
      }
    } else if (header->cmsg_type == SCM_CREDENTIALS) {
      struct ucred received;
      memcpy(&received, CMSG_DATA(header), sizeof received);
      if (napi_create_object(env, &creds) != napi_ok ||
          napi_set_named_property(env, creds, "pid", make_i32(env, received.pid)) != napi_ok ||
          napi_set_named_property(env, creds, "uid", make_i64(env, received.uid)) != napi_ok ||
          napi_set_named_property(env, creds, "gid", make_i64(env, received.gid)) != napi_ok)
        return false;
    }
  }
  return napi_set_named_property(env, result, "fds", fds) == napi_ok &&
         napi_set_named_property(env, result, "creds", creds) == napi_ok;
}

static napi_value receive_message(napi_env env, napi_callback_info info) {
  napi_value argv[4], result;
  int32_t fd, flags;
  size_t max_length, max_fds;
  union control control;
  struct sockaddr_storage address;
  struct msghdr message;
  if (!get_args(env, info, 4, argv) || !arg_i32(env, argv[0], &fd) || !arg_size(env, argv[1], &max_length) ||
      !arg_size(env, argv[2], &max_fds) || !arg_i32(env, argv[3], &flags))
    return NULL;
  if (max_fds > MAX_RIGHTS) max_fds = MAX_RIGHTS;
  struct iovec data = { .iov_base = malloc(max_length + 1), .iov_len = max_length };
  if (data.iov_base == NULL) return throw_errno(env, "malloc");
  memset(&message, 0, sizeof message);
  message.msg_name = &address;
  message.msg_namelen = sizeof address;
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control.bytes;
  message.msg_controllen = CMSG_SPACE(max_fds * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred));
  ssize_t received = recvmsg(fd, &message, flags);
  if (received < 0) {
    result = throw_errno(env, "recvmsg");
  } else if (napi_create_object(env, &result) != napi_ok ||
             napi_set_named_property(env, result, "data",
                                     make_buffer_copy(env, data.iov_base,
                                                      (size_t)received < max_length ? (size_t)received : max_length)) !=
                 napi_ok ||
             napi_set_named_property(env, result, "addr", make_buffer_copy(env, &address, message.msg_namelen)) !=
                 napi_ok ||
             napi_set_named_property(env, result, "flags", make_i32(env, message.msg_flags)) != napi_ok ||
             !received_control(env, &message, result)) {
    result = NULL;
  }
  free(data.iov_base);
  return result;
}

bool register_socket(napi_env env, napi_value exports) {
  static const napi_property_descriptor functions[] = {
    FUNCTION("socket", socket_create),
    FUNCTION("socketpair", socket_pair),
    FUNCTION("bind", bind_socket),
    FUNCTION("connect", connect_socket),
    FUNCTION("listen", listen_socket),
    FUNCTION("accept4", accept_socket),
    FUNCTION("shutdown", shutdown_socket),
    FUNCTION("getsockopt", get_option),
    FUNCTION("setsockopt", set_option),
    FUNCTION("getsockname", sock_name),
    FUNCTION("getpeername", peer_name),
    FUNCTION("sendmsg", send_message),
    FUNCTION("recvmsg", receive_message),
  };
  return define_functions(env, exports, functions, sizeof functions / sizeof functions[0]);
}
