/**
 * File locks held through an fd (the "lock:" lines of its fdinfo, see
 * proc(5)): each is recorded once, with the task and fd that take it again
 * on restore. flock(2) and OFD locks belong to the open file description,
 * so the first fd met on it stands for them all; POSIX record locks belong
 * to the task (its fd table), which is the one whose fdinfo shows them.
 * Like CRIU, amber dumps them only when asked (--file-locks).
 */
import { AmberError } from '../errors';
import type { FileId, FileLock, FileLockKind } from '../model';
import type { FileLock as HeldLock } from '../proc/locks';
import type { FdSubject } from './fds/kind';

const KINDS: Partial<Record<HeldLock['type'], FileLockKind>> = { POSIX: 'posix', FLOCK: 'flock', OFDLCK: 'ofd' };

/** The same lock seen through another fd has the same key. */
function lockKey(subject: FdSubject, id: FileId, lock: HeldLock, kind: FileLockKind): string {
  const owner = kind === 'posix' ? `task ${subject.pid} inode ${subject.stat.dev}:${subject.stat.ino}` : `file ${id}`;
  return `${owner} ${kind} ${lock.access} ${lock.start}-${lock.end ?? 'EOF'}`;
}

function modelLock(subject: FdSubject, lock: HeldLock, kind: FileLockKind): FileLock {
  if (lock.access !== 'READ' && lock.access !== 'WRITE') throw new AmberError(`task ${subject.pid} fd ${subject.fd}: a ${lock.access} ${lock.type} lock is not supported`);
  return {
    kind,
    access: lock.access === 'READ' ? 'read' : 'write',
    owner: subject.pid,
    fd: subject.fd,
    start: lock.start,
    length: lock.end === null ? 0n : lock.end - lock.start + 1n,
  };
}

/** Records the locks held through the subject's fd, whose description has id `id`; refused unless `wanted`. */
export function dumpFileLocks(subject: FdSubject, id: FileId, wanted: boolean): void {
  // "->" lines are requests still waiting: the waiting task's syscall restarts after restore.
  const held = subject.info.locks.filter((lock) => !lock.blocked);
  for (const lock of held) {
    const where = `task ${subject.pid} fd ${subject.fd}`;
    const kind = KINDS[lock.type];
    if (kind === undefined) throw new AmberError(`${where}: ${lock.type} locks (leases, delegations) are not supported`);
    if (!wanted) throw new AmberError(`${where}: holds a ${kind} lock; pass --file-locks to dump file locks`);
    subject.files.addLock(lockKey(subject, id, lock, kind), modelLock(subject, lock, kind));
  }
}
