import { syscallName } from '../sys/inject';

/** x86_64 numbers (arch/x86/entry/syscalls/syscall_64.tbl) of the syscalls restore injects beyond those in Syscall. */
export enum RestoreSyscall {
  Close = 3,
  Lseek = 8,
  Mprotect = 10,
  Pread64 = 17,
  Mremap = 25,
  Setitimer = 38,
  Madvise = 28,
  Recvmsg = 47,
  ExitGroup = 231,
  Fcntl = 72,
  Chdir = 80,
  Umask = 95,
  Personality = 135,
  Setpgid = 109,
  Setsid = 112,
  Chroot = 161,
  SetTidAddress = 218,
  Openat = 257,
  SetRobustList = 273,
  Dup3 = 292,
  Rseq = 334,
  Clone3 = 435,
  CloseRange = 436,
}

/** "openat" for RestoreSyscall.Openat; other numbers as syscallName names them. */
export function restoreSyscallName(nr: number): string {
  const own = RestoreSyscall[nr] as string | undefined;
  return own === undefined ? syscallName(nr) : own.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '_').toLowerCase();
}
