/**
 * The raw interface of the native addon (native/*.c, built by node-gyp).
 *
 * Every function is a thin wrapper over one system call. On failure it throws
 * an Error whose `code` is the errno name ("ESRCH"), `errno` the number and
 * `syscall` the call's name ("ptrace(PTRACE_SEIZE)"). No parsing and no
 * policy live here: the typed wrappers in src/sys/*.ts build on this.
 *
 * Conventions: addresses, masks and 64-bit values are `bigint`; pids, tids,
 * fds and small integers are `number`; memory crosses as `Buffer`.
 */
import * as path from 'node:path';

/** A remote (tracee) memory range. */
export interface RemoteRange {
  addr: bigint;
  len: number;
}

/** Raw result of waitpid/wait4: the pid and the undecoded status word. */
export interface RawWait {
  pid: number;
  status: number;
}

/** Raw result of waitid: the fields of siginfo_t that waitid fills. */
export interface RawWaitid {
  pid: number;
  uid: number;
  /** si_signo (SIGCHLD) */
  signo: number;
  /** si_code: CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_TRAPPED, CLD_STOPPED, CLD_CONTINUED */
  code: number;
  /** si_status: exit code or signal number */
  status: number;
}

export interface RawRecvmsg {
  data: Buffer;
  /** fds received with SCM_RIGHTS, already installed in amber */
  fds: number[];
  /** SCM_CREDENTIALS, when the socket has SO_PASSCRED */
  creds: { pid: number; uid: number; gid: number } | null;
  /** raw sockaddr of the sender (may be empty) */
  addr: Buffer;
  /** msg_flags (MSG_TRUNC, MSG_CTRUNC, ...) */
  flags: number;
}

export interface NativeAddon {
  // ---- ptrace ------------------------------------------------------------
  ptraceSeize(tid: number, options: number): void;
  ptraceInterrupt(tid: number): void;
  ptraceCont(tid: number, signal: number): void;
  ptraceSyscall(tid: number, signal: number): void;
  ptraceDetach(tid: number, signal: number): void;
  ptraceListen(tid: number): void;
  /** PTRACE_GETREGSET: returns as many bytes as the kernel filled (iov_len). */
  ptraceGetRegset(tid: number, noteType: number, maxSize: number): Buffer;
  ptraceSetRegset(tid: number, noteType: number, data: Buffer): void;
  /** PTRACE_GETSIGINFO: the 128-byte siginfo_t. */
  ptraceGetSiginfo(tid: number): Buffer;
  ptraceSetSiginfo(tid: number, siginfo: Buffer): void;
  /** PTRACE_PEEKSIGINFO: up to `count` 128-byte siginfo_t from queue offset `offset`. */
  ptracePeekSiginfo(tid: number, offset: number, count: number, shared: boolean): Buffer[];
  ptraceGetSigmask(tid: number): bigint;
  ptraceSetSigmask(tid: number, mask: bigint): void;
  /** PTRACE_GET_RSEQ_CONFIGURATION: struct ptrace_rseq_configuration (32 bytes). */
  ptraceGetRseqConfiguration(tid: number): Buffer;
  /** PTRACE_GET_THREAD_AREA: struct user_desc (16 bytes) of GDT slot `index`. */
  ptraceGetThreadArea(tid: number, index: number): Buffer;
  /** PTRACE_SECCOMP_GET_FILTER: the BPF program (8 bytes per instruction); throws ENOENT past the last filter. */
  ptraceSeccompGetFilter(tid: number, index: number): Buffer;
  ptraceGetEventMsg(tid: number): bigint;
  ptracePeekData(tid: number, addr: bigint): bigint;
  ptracePokeData(tid: number, addr: bigint, word: bigint): void;
  ptraceSetOptions(tid: number, options: number): void;

  // ---- waiting -------------------------------------------------------------
  /** wait4(pid, &status, options | __WALL is NOT added implicitly). null when WNOHANG found nothing. */
  waitpid(pid: number, options: number): RawWait | null;
  /** waitid(idtype, id, &info, options). null when WNOHANG found nothing. */
  waitid(idType: number, id: number, options: number): RawWaitid | null;

  // ---- memory of other tasks ----------------------------------------------
  /** process_vm_readv: fills the local buffers in order from the remote ranges in order; returns bytes read. */
  processVmReadv(pid: number, local: Buffer[], remote: RemoteRange[]): number;
  /**
   * process_vm_readv into one buffer from `count` remote ranges, given as
   * (address, length) pairs in `pairs`; returns bytes read. Allocates
   * nothing, for loops over many batches.
   */
  processVmReadvPairs(pid: number, local: Buffer, pairs: Float64Array, count: number): number;
  /** process_vm_writev: returns bytes written. */
  processVmWritev(pid: number, local: Buffer[], remote: RemoteRange[]): number;

  // ---- pidfd and kcmp ------------------------------------------------------
  pidfdOpen(pid: number, flags: number): number;
  pidfdGetfd(pidfd: number, targetFd: number, flags: number): number;
  pidfdSendSignal(pidfd: number, signal: number, flags: number): void;
  /** kcmp: 0 equal, 1 less, 2 greater, 3 not equal (unordered). */
  kcmp(pid1: number, pid2: number, type: number, idx1: bigint, idx2: bigint): number;

  // ---- processes -----------------------------------------------------------
  /**
   * clone3 with set_tid (one tid per pid-namespace level, innermost first,
   * may be empty). The child never returns to JavaScript: it loops on
   * raw kill(getpid(), SIGSTOP), so it is stopped before running anything of
   * its own and can be seized. Returns the child's pid in amber's namespace.
   */
  clone3Stopped(flags: bigint, exitSignal: number, setTid: number[]): number;
  kill(pid: number, signal: number): void;
  tgkill(tgid: number, tid: number, signal: number): void;
  gettid(): number;
  /** prlimit(pid, resource, newLimit, &old): returns the old (current) limit. */
  prlimit(pid: number, resource: number, newLimit: { cur: bigint; max: bigint } | null): { cur: bigint; max: bigint };
  /** sched_getattr: raw struct sched_attr (size as the kernel reports). */
  schedGetattr(pid: number): Buffer;
  /** get_robust_list(2): the head (u64) and the registered length (u64) of thread `tid`'s list. */
  getRobustList(tid: number): Buffer;
  schedSetattr(pid: number, attr: Buffer, flags: number): void;
  setns(fd: number, nsType: number): void;
  unshare(flags: number): void;

  // ---- fds -----------------------------------------------------------------
  close(fd: number): void;
  fcntl(fd: number, cmd: number, arg: number): number;
  pipe2(flags: number): [number, number];
  /** tee(2): duplicates pipe content without consuming it; returns bytes. */
  tee(fdIn: number, fdOut: number, len: number, flags: number): number;
  splice(fdIn: number, offIn: bigint | null, fdOut: number, offOut: bigint | null, len: number, flags: number): number;
  memfdCreate(name: string, flags: number): number;
  userfaultfd(flags: number): number;
  /** ioctl with an in/out buffer (the kernel reads and writes it in place). Returns the ioctl's return value. */
  ioctlBuffer(fd: number, request: bigint, buf: Buffer): number;
  /** ioctl with an integer argument. */
  ioctlInt(fd: number, request: bigint, arg: bigint): number;

  // ---- files without a path ---------------------------------------------------
  eventfd(initial: bigint, flags: number): number;
  timerfdCreate(clock: number, flags: number): number;
  /** timerfd_settime with a raw struct itimerspec (interval, then value). */
  timerfdSettime(fd: number, flags: number, value: Buffer): void;
  /** signalfd4(-1, &mask, 8, flags): a new signalfd for the signals in the 64-bit mask. */
  signalfd(mask: bigint, flags: number): number;
  epollCreate(flags: number): number;

  // ---- sockets ---------------------------------------------------------------
  socket(domain: number, type: number, protocol: number): number;
  socketpair(domain: number, type: number, protocol: number): [number, number];
  bind(fd: number, addr: Buffer): void;
  connect(fd: number, addr: Buffer): void;
  listen(fd: number, backlog: number): void;
  accept4(fd: number, flags: number): number;
  shutdown(fd: number, how: number): void;
  /** getsockopt with a raw value buffer of up to maxLen bytes; returns the bytes the kernel wrote. */
  getsockopt(fd: number, level: number, name: number, maxLen: number): Buffer;
  setsockopt(fd: number, level: number, name: number, value: Buffer): void;
  getsockname(fd: number): Buffer;
  getpeername(fd: number): Buffer;
  /** sendmsg with optional SCM_RIGHTS fds, SCM_CREDENTIALS and destination address. Returns bytes sent. */
  sendmsg(
    fd: number,
    data: Buffer,
    fds: number[],
    creds: { pid: number; uid: number; gid: number } | null,
    addr: Buffer | null,
    flags: number,
  ): number;
  recvmsg(fd: number, maxLen: number, maxFds: number, flags: number): RawRecvmsg;
}

let loaded: NativeAddon | undefined;

/** The addon, loaded on first use from the node-gyp build directory. */
export function native(): NativeAddon {
  if (loaded === undefined) {
    const file = path.join(__dirname, '..', '..', '..', 'build', 'Release', 'amber_native.node');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file) as NativeAddon;
  }
  return loaded;
}

/** The Error the addon throws. */
export interface SyscallError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

export function isSyscallError(e: unknown, code?: string): e is SyscallError {
  return e instanceof Error && typeof (e as SyscallError).syscall === 'string' && (code === undefined || (e as SyscallError).code === code);
}
