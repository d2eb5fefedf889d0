/** /proc/locks and the "lock:" lines of fdinfo (fs/locks.c lock_get_status). */
import * as fs from 'node:fs';
import { FieldError, oneOf, pid, unsigned, unsigned64 } from './fields';
import { forEachLine } from './lines';
import type { Device, Inode, Pid } from './types';

const LOCK_TYPES = ['POSIX', 'FLOCK', 'OFDLCK', 'LEASE', 'DELEG', 'ACCESS', 'UNKNOWN'] as const;
/** POSIX: fcntl F_SETLK; FLOCK: flock(2); OFDLCK: fcntl F_OFD_SETLK; LEASE: F_SETLEASE; DELEG: NFS delegation. */
export type LockType = (typeof LOCK_TYPES)[number];

const LOCK_MODES = ['ADVISORY', 'MANDATORY', 'ACTIVE', 'BREAKING', 'BREAKER'] as const;
/** Byte locks are ADVISORY (MANDATORY before Linux 5.15); leases are ACTIVE, BREAKING or BREAKER. */
export type LockMode = (typeof LOCK_MODES)[number];

const LOCK_ACCESS = ['READ', 'WRITE', 'UNLCK', 'RW'] as const;
export type LockAccess = (typeof LOCK_ACCESS)[number];

export interface FileLock {
  /** Position in /proc/locks; a blocked request shares the id of the lock it waits for. */
  id: number;
  /** A request waiting for lock `id` ("->" lines), not a lock held. */
  blocked: boolean;
  type: LockType;
  mode: LockMode;
  access: LockAccess;
  /** Owning process; null for OFD locks (owned by an open file, printed as -1) and owners outside the reader's pid namespace (0). */
  pid: Pid | null;
  /** The locked file, unless the kernel printed "<none>". */
  file?: { device: Device; inode: Inode };
  /** First locked byte. */
  start: bigint;
  /** Last locked byte, or null for "EOF" (to the end of the file, however long). */
  end: bigint | null;
}

function lockedFile(token: string | undefined): FileLock['file'] {
  if (token === '<none>:0') return undefined;
  const parts = (token ?? '').split(':');
  if (parts.length !== 3) throw new FieldError(`lock file is not MAJOR:MINOR:INODE: "${token ?? ''}"`);
  return {
    device: { major: unsigned(parts[0], 'lock device major', 16), minor: unsigned(parts[1], 'lock device minor', 16) },
    inode: unsigned64(parts[2], 'lock inode'),
  };
}

/** Parses "1: POSIX  ADVISORY  WRITE 1234 08:02:131 0 EOF" (or "1: -> POSIX ..."). */
export function parseLockLine(line: string): FileLock {
  const tokens = line.trim().split(/\s+/);
  const idToken = tokens.shift() ?? '';
  if (!idToken.endsWith(':')) throw new FieldError(`lock line does not start with "ID:": "${line}"`);
  const blocked = tokens[0] === '->';
  if (blocked) tokens.shift();
  const [type, mode, access, owner, file, start, end] = tokens;
  return {
    id: unsigned(idToken.slice(0, -1), 'lock id'),
    blocked,
    type: oneOf(type, LOCK_TYPES, 'lock type'),
    mode: oneOf(mode, LOCK_MODES, 'lock mode'),
    access: oneOf(access, LOCK_ACCESS, 'lock access'),
    pid: owner === '-1' || owner === '0' ? null : pid(owner, 'lock pid'),
    file: lockedFile(file),
    start: unsigned64(start, 'lock start'),
    end: end === 'EOF' ? null : unsigned64(end, 'lock end'),
  };
}

/** Parses the text of /proc/locks. */
export function parseLocks(text: string, file = '/proc/locks'): FileLock[] {
  const locks: FileLock[] = [];
  forEachLine(file, text, (line) => locks.push(parseLockLine(line)));
  return locks;
}

export function readLocks(): FileLock[] {
  return parseLocks(fs.readFileSync('/proc/locks', 'utf8'), '/proc/locks');
}
