/** File descriptor system calls: pipes, splicing, memfd, userfaultfd, fcntl, ioctl. */
import * as fs from 'node:fs';
import { FD_CLOEXEC, F_SETFD } from './constants';
import { isSyscallError, native } from './native';
import type { Fd } from './types';

export function close(fd: Fd): void {
  native().close(fd);
}

export function fcntl(fd: Fd, command: number, argument = 0): number {
  return native().fcntl(fd, command, argument);
}

export interface Pipe {
  readEnd: Fd;
  writeEnd: Fd;
}

export function pipe2(flags = 0): Pipe {
  const [readEnd, writeEnd] = native().pipe2(flags);
  return { readEnd: readEnd as Fd, writeEnd: writeEnd as Fd };
}

/** Copies up to `length` bytes from one pipe to another without consuming them; returns the bytes copied. */
export function tee(fdIn: Fd, fdOut: Fd, length: number, flags = 0): number {
  return native().tee(fdIn, fdOut, length, flags);
}

/** Moves bytes between fds where one is a pipe; a null offset uses (and moves) the file position. */
export function splice(fdIn: Fd, offsetIn: bigint | null, fdOut: Fd, offsetOut: bigint | null, length: number, flags = 0): number {
  return native().splice(fdIn, offsetIn, fdOut, offsetOut, length, flags);
}

export function memfdCreate(name: string, flags = 0): Fd {
  return native().memfdCreate(name, flags) as Fd;
}

export function userfaultfd(flags = 0): Fd {
  return native().userfaultfd(flags) as Fd;
}

/** ioctl whose argument points to `buffer`; the kernel may read and rewrite it in place. */
export function ioctlBuffer(fd: Fd, request: bigint, buffer: Buffer): number {
  return native().ioctlBuffer(fd, request, buffer);
}

export function ioctlInt(fd: Fd, request: bigint, argument: bigint = 0n): number {
  return native().ioctlInt(fd, request, argument);
}

/**
 * Marks every fd above 2 of amber close-on-exec, so that programs it starts
 * get only stdin, stdout and stderr: fds amber itself inherited (from a shell,
 * a CI runner) would otherwise end up in their fd tables, and in their dumps.
 */
export function keepOnlyStandardFdsAcrossExec(): void {
  for (const entry of fs.readdirSync('/proc/self/fd')) {
    const fd = Number(entry);
    if (fd <= 2) continue;
    try {
      native().fcntl(fd, F_SETFD, FD_CLOEXEC);
    } catch (e) {
      // The fd readdir itself used is gone by now.
      if (!isSyscallError(e, 'EBADF')) throw e;
    }
  }
}
