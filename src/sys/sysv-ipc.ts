/**
 * System V IPC (sysvipc(7)) as the x86_64 kernel takes it from a task:
 * commands, flags and the layouts of the structures the
 * *ctl calls fill in or read (struct ipc64_perm, shmid64_ds, msqid64_ds,
 * semid64_ds).
 */
import { Syscall } from './syscall-numbers';

export const IPC_CREAT = 0o1000;
export const IPC_EXCL = 0o2000;
export const IPC_NOWAIT = 0o4000;
export const IPC_SET = 1;
export const IPC_STAT = 2;
/** msgrcv(2): copy the message at index msgtyp without removing it (CONFIG_CHECKPOINT_RESTORE). */
export const MSG_COPY = 0o40000;
export const SHM_RDONLY = 0o10000;
export const GETALL = 13;
export const SETALL = 17;

/** The three kinds of object, with the calls and commands that list them. */
export type IpcKind = 'shm' | 'msg' | 'sem';

/**
 * *_INFO returns the highest index in use; *_STAT_ANY takes an index (not
 * an id), returns the id there and skips the permission check (Linux 4.17).
 */
export const LISTING: Readonly<Record<IpcKind, { ctl: Syscall; info: number; statAny: number; statSize: number }>> = {
  shm: { ctl: Syscall.Shmctl, info: 14, statAny: 15, statSize: 112 },
  msg: { ctl: Syscall.Msgctl, info: 12, statAny: 13, statSize: 120 },
  sem: { ctl: Syscall.Semctl, info: 19, statAny: 20, statSize: 104 },
};

/** The size of the largest *_ds structure. */
export const LARGEST_STAT = Math.max(...Object.values(LISTING).map((listing) => listing.statSize));

/** What each kind is called in messages. */
export const IPC_NOUNS: Readonly<Record<IpcKind, string>> = { shm: 'shared memory segment', msg: 'message queue', sem: 'semaphore set' };

/** The key, owners and mode every object's *_ds structure starts with. */
export interface IpcPerm {
  key: number;
  uid: number;
  gid: number;
  creatorUid: number;
  creatorGid: number;
  mode: number;
}

const PERM = { key: 0, uid: 4, gid: 8, creatorUid: 12, creatorGid: 16, mode: 20 } as const;
/** Offsets past the perm part: shm_segsz, msg_qnum, msg_qbytes, sem_nsems. */
export const SHM_SEGSZ = 48;
export const MSG_QNUM = 80;
export const MSG_QBYTES = 88;
export const SEM_NSEMS = 80;
/** struct msgbuf: a long mtype, then the text. */
export const MSGBUF_TEXT = 8;

export function parsePerm(ds: Buffer): IpcPerm {
  return {
    key: ds.readUInt32LE(PERM.key),
    uid: ds.readUInt32LE(PERM.uid),
    gid: ds.readUInt32LE(PERM.gid),
    creatorUid: ds.readUInt32LE(PERM.creatorUid),
    creatorGid: ds.readUInt32LE(PERM.creatorGid),
    mode: ds.readUInt32LE(PERM.mode) & 0xffff,
  };
}

/** Puts the fields IPC_SET changes (uid, gid, the permission bits of mode) into a *_ds structure. */
export function writeOwner(ds: Buffer, perm: Pick<IpcPerm, 'uid' | 'gid' | 'mode'>): void {
  ds.writeUInt32LE(perm.uid, PERM.uid);
  ds.writeUInt32LE(perm.gid, PERM.gid);
  ds.writeUInt32LE(perm.mode, PERM.mode);
}

/** shmctl and msgctl take (id, command, buffer); semctl takes (id, semaphore number, command, argument). */
export function ctlCall(kind: IpcKind, target: number, command: number, address: bigint): [Syscall, ...bigint[]] {
  const { ctl } = LISTING[kind];
  return kind === 'sem' ? [ctl, BigInt(target), 0n, BigInt(command), address] : [ctl, BigInt(target), BigInt(command), address];
}
