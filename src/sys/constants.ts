/** Kernel constants for x86_64, named as in the kernel's uapi headers. */

// ---- ptrace(2) -----------------------------------------------------------
export const PTRACE_O_TRACESYSGOOD = 0x1;
export const PTRACE_O_TRACEFORK = 0x2;
export const PTRACE_O_TRACEVFORK = 0x4;
export const PTRACE_O_TRACECLONE = 0x8;
export const PTRACE_O_TRACEEXEC = 0x10;
export const PTRACE_O_TRACEVFORKDONE = 0x20;
export const PTRACE_O_TRACEEXIT = 0x40;
export const PTRACE_O_TRACESECCOMP = 0x80;
export const PTRACE_O_EXITKILL = 0x100000;
export const PTRACE_O_SUSPEND_SECCOMP = 0x200000;

export const PTRACE_EVENT_FORK = 1;
export const PTRACE_EVENT_VFORK = 2;
export const PTRACE_EVENT_CLONE = 3;
export const PTRACE_EVENT_EXEC = 4;
export const PTRACE_EVENT_VFORK_DONE = 5;
export const PTRACE_EVENT_EXIT = 6;
export const PTRACE_EVENT_SECCOMP = 7;
export const PTRACE_EVENT_STOP = 128;

/** Register set note types for PTRACE_GETREGSET (elf.h). */
export enum NoteType {
  PrStatus = 1,
  PrFpReg = 2,
  X86Xstate = 0x202,
}

/** sizeof(struct user_regs_struct): 27 registers of 8 bytes. */
export const USER_REGS_SIZE = 27 * 8;
/** sizeof(siginfo_t). */
export const SIGINFO_SIZE = 128;

// ---- signals (signal(7), x86_64 numbering) ----------------------------------
export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGABRT = 6;
export const SIGBUS = 7;
export const SIGFPE = 8;
export const SIGKILL = 9;
export const SIGUSR1 = 10;
export const SIGSEGV = 11;
export const SIGUSR2 = 12;
export const SIGPIPE = 13;
export const SIGALRM = 14;
export const SIGTERM = 15;
export const SIGSTKFLT = 16;
export const SIGCHLD = 17;
export const SIGCONT = 18;
export const SIGSTOP = 19;
export const SIGTSTP = 20;
export const SIGTTIN = 21;
export const SIGTTOU = 22;
export const SIGURG = 23;
export const SIGXCPU = 24;
export const SIGXFSZ = 25;
export const SIGVTALRM = 26;
export const SIGPROF = 27;
export const SIGWINCH = 28;
export const SIGIO = 29;
export const SIGPWR = 30;
export const SIGSYS = 31;

// ---- waiting (wait(2), waitid(2)) -------------------------------------------
export const WNOHANG = 0x1;
export const WUNTRACED = 0x2;
export const WSTOPPED = 0x2;
export const WEXITED = 0x4;
export const WCONTINUED = 0x8;
export const WNOWAIT = 0x1000000;
export const __WNOTHREAD = 0x20000000;
export const __WALL = 0x40000000;
export const __WCLONE = 0x80000000 | 0;

export enum WaitIdType {
  All = 0,
  Pid = 1,
  Pgid = 2,
  Pidfd = 3,
}

/** si_code values of a SIGCHLD siginfo (waitid). */
export enum ChildCode {
  Exited = 1,
  Killed = 2,
  Dumped = 3,
  Trapped = 4,
  Stopped = 5,
  Continued = 6,
}

// ---- clone(2), unshare(2), setns(2) --------------------------------------------
export const CLONE_NEWTIME = 0x80;
export const CLONE_VM = 0x100;
export const CLONE_FS = 0x200;
export const CLONE_FILES = 0x400;
export const CLONE_SIGHAND = 0x800;
export const CLONE_PIDFD = 0x1000;
export const CLONE_PTRACE = 0x2000;
export const CLONE_VFORK = 0x4000;
export const CLONE_PARENT = 0x8000;
export const CLONE_THREAD = 0x10000;
export const CLONE_NEWNS = 0x20000;
export const CLONE_SYSVSEM = 0x40000;
export const CLONE_SETTLS = 0x80000;
export const CLONE_PARENT_SETTID = 0x100000;
export const CLONE_CHILD_CLEARTID = 0x200000;
export const CLONE_UNTRACED = 0x800000;
export const CLONE_CHILD_SETTID = 0x1000000;
export const CLONE_NEWCGROUP = 0x2000000;
export const CLONE_NEWUTS = 0x4000000;
export const CLONE_NEWIPC = 0x8000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;
export const CLONE_IO = 0x80000000 | 0;

// ---- kcmp(2) -----------------------------------------------------------------
export enum KcmpType {
  File = 0,
  Vm = 1,
  Files = 2,
  Fs = 3,
  Sighand = 4,
  Io = 5,
  Sysvsem = 6,
  EpollTfd = 7,
}

// ---- resource limits (getrlimit(2)) ----------------------------------------------
export enum Resource {
  Cpu = 0,
  Fsize = 1,
  Data = 2,
  Stack = 3,
  Core = 4,
  Rss = 5,
  Nproc = 6,
  Nofile = 7,
  Memlock = 8,
  As = 9,
  Locks = 10,
  Sigpending = 11,
  Msgqueue = 12,
  Nice = 13,
  Rtprio = 14,
  Rttime = 15,
}

export const RLIM_INFINITY = 2n ** 64n - 1n;

// ---- files, pipes, memory --------------------------------------------------------
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const F_DUPFD = 0;
export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const F_DUPFD_CLOEXEC = 1030;
export const F_SETPIPE_SZ = 1031;
export const F_GETPIPE_SZ = 1032;
export const FD_CLOEXEC = 1;
export const SPLICE_F_MOVE = 0x1;
export const SPLICE_F_NONBLOCK = 0x2;
export const SPLICE_F_MORE = 0x4;
export const MFD_CLOEXEC = 0x1;
export const MFD_ALLOW_SEALING = 0x2;
export const UFFD_USER_MODE_ONLY = 0x1;
export const PROT_READ = 0x1;
export const PROT_WRITE = 0x2;
export const MAP_SHARED = 0x1;
export const MAP_PRIVATE = 0x2;
export const PAGE_SIZE = 4096;
/** The most iovecs one readv-like call accepts (UIO_MAXIOV). */
export const IOV_MAX = 1024;

// ---- sockets and netlink -----------------------------------------------------------
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_SEQPACKET = 5;
export const SOCK_NONBLOCK = O_NONBLOCK;
export const SOCK_CLOEXEC = O_CLOEXEC;
export const SOL_SOCKET = 1;
export const SO_TYPE = 3;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_PASSCRED = 16;
export const SO_PEERCRED = 17;
export const MSG_PEEK = 0x2;
export const MSG_CTRUNC = 0x8;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const MSG_CMSG_CLOEXEC = 0x40000000;
export const NETLINK_ROUTE = 0;
export const NETLINK_SOCK_DIAG = 4;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;

export const AF_PACKET = 17;

export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_RAW = 255;
export const SOL_TCP = 6;
/** tcp(7): put a socket in repair mode to read and set its sequence numbers and queues. */
export const TCP_REPAIR = 19;

/** sock_diag(7) request type. */
export const SOCK_DIAG_BY_FAMILY = 20;
export const NLMSG_HDRLEN = 16;

export const MFD_HUGETLB = 0x4;

/** userfaultfd(2) / Documentation/admin-guide/mm/userfaultfd.rst */
export const UFFD_API = 0xaan;
/** _IOWR(0xAA, 0x3F, struct uffdio_api) */
export const UFFDIO_API = 0xc018aa3fn;
export const UFFD_FEATURE_PAGEFAULT_FLAG_WP = 1n << 0n;
export const UFFD_FEATURE_EVENT_FORK = 1n << 1n;
export const UFFD_FEATURE_EVENT_REMAP = 1n << 2n;
export const UFFD_FEATURE_EVENT_REMOVE = 1n << 3n;
export const UFFD_FEATURE_EVENT_UNMAP = 1n << 6n;
export const UFFD_FEATURE_WP_ASYNC = 1n << 15n;

/** _IOWR('f', 16, struct pm_scan_arg): Documentation/admin-guide/mm/pagemap.rst */
export const PAGEMAP_SCAN = 0xc0606610n;
export const PM_SCAN_ARG_SIZE = 96;
