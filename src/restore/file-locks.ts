/**
 * File locks, taken back by their owner through its fd once its fd table
 * is complete: closing any fd of a file drops the POSIX locks the task
 * holds on it (fcntl(2)), and placing fds closes temporary ones.
 */
import type { FileLock } from '../model';
import { Syscall } from '../sys/syscall-numbers';
import type { RestoringTask } from './context';
import { writeArguments } from './scratch-layout';

const LOCK_SH = 1n;
const LOCK_EX = 2n;
const LOCK_NB = 4n;
const F_SETLK = 6n;
const F_OFD_SETLK = 37n;
const F_RDLCK = 0;
const F_WRLCK = 1;
const SEEK_SET = 0;
/** struct flock on x86-64: l_type, l_whence (shorts), l_start, l_len (64-bit), l_pid. */
const FLOCK_SIZE = 32;

function recordLock(lock: FileLock): Buffer {
  const record = Buffer.alloc(FLOCK_SIZE);
  record.writeInt16LE(lock.access === 'read' ? F_RDLCK : F_WRLCK, 0);
  record.writeInt16LE(SEEK_SET, 2);
  record.writeBigInt64LE(lock.start, 8);
  record.writeBigInt64LE(lock.length, 16);
  // l_pid stays 0: the kernel sets the owner, and OFD locks require 0.
  return record;
}

function takeLock(task: RestoringTask, lock: FileLock): void {
  const what = `taking back its ${lock.access} ${lock.kind} lock on fd ${lock.fd}`;
  const fd = BigInt(lock.fd);
  // Non-blocking: the locks coexisted when dumped, so a conflict means something else holds the file now.
  if (lock.kind === 'flock') {
    task.main.check(what, Syscall.Flock, fd, (lock.access === 'read' ? LOCK_SH : LOCK_EX) | LOCK_NB);
    return;
  }
  const [record] = writeArguments(task.scratch, recordLock(lock));
  task.main.check(what, Syscall.Fcntl, fd, lock.kind === 'ofd' ? F_OFD_SETLK : F_SETLK, record);
}

export function restoreFileLocks(locks: readonly FileLock[], task: RestoringTask): void {
  for (const lock of locks) if (lock.owner === task.task.pid) takeLock(task, lock);
}
