/**
 * Recreates System V objects from inside a task of their namespace, each
 * with its recorded id (the kind's next-id sysctl, set just before it is
 * made: sysvipc(7) "/proc/sys/kernel/shm_next_id"), key, owner and mode,
 * then its contents: segment bytes, queued messages in order, semaphore values.
 */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import type { PageMap } from '../../model';
import { IPC_SYSCTLS, NEXT_ID_SYSCTLS, type IpcDescription, type IpcQueue, type IpcSegment, type IpcSemaphoreSet } from '../../model/ipc';
import {
  ctlCall,
  IPC_CREAT,
  IPC_EXCL,
  IPC_NOUNS,
  IPC_NOWAIT,
  IPC_SET,
  IPC_STAT,
  LISTING,
  MSG_QBYTES,
  MSGBUF_TEXT,
  SETALL,
  writeOwner,
  type IpcKind,
} from '../../sys/sysv-ipc';
import { PAGE_SIZE } from '../../sys/constants';
import { Syscall } from '../../sys/syscall-numbers';
import type { TaskBuffer, TaskCalls } from '../../sys/task-calls';
import type { Fd, Pid } from '../../sys/types';
import { writeTaskMemory } from '../../sys/vm';
import { copyStoredPages } from '../shmem';

const PERMISSION_BITS = 0o777;
const PAGE_MASK = BigInt(PAGE_SIZE - 1);

/** What the creating *get call takes as its flags: the permission bits, and a new object or failure. */
const creationFlags = (description: IpcDescription): bigint => BigInt((description.mode & PERMISSION_BITS) | IPC_CREAT | IPC_EXCL);

/** Runs `create` (a *get call) so that it makes the object with the recorded id, then gives the object its owner. */
function createWithId(calls: TaskCalls, buffer: TaskBuffer, kind: IpcKind, description: IpcDescription, create: (what: string) => bigint, adjust?: (ds: Buffer) => void): void {
  const what = `System V ${IPC_NOUNS[kind]} ${description.id}`;
  buffer.writeProcSys(IPC_SYSCTLS[NEXT_ID_SYSCTLS[kind]][1], String(description.id));
  const id = create(`creating ${what}`);
  if (Number(id) !== description.id) throw new AmberError(`${calls.name}: ${what} was created with id ${id}`);
  const { address } = buffer.memory;
  calls.call(`reading ${what}`, ...ctlCall(kind, description.id, IPC_STAT, address));
  const ds = buffer.memory.read(0, LISTING[kind].statSize);
  writeOwner(ds, { uid: description.uid, gid: description.gid, mode: description.mode & PERMISSION_BITS });
  adjust?.(ds);
  buffer.memory.write(ds);
  calls.call(`setting the owner of ${what}`, ...ctlCall(kind, description.id, IPC_SET, address));
}

/** A segment's pages kept in a pagemap image rather than in its entry. */
export interface StoredPages {
  imagesDir: string;
  pageMap: PageMap;
}

export function createSegment(calls: TaskCalls, buffer: TaskBuffer, segment: IpcSegment, stored: StoredPages | undefined): void {
  const { description, size, contents } = segment;
  const id = BigInt(description.id);
  createWithId(calls, buffer, 'shm', description, (what) => calls.call(what, Syscall.Shmget, BigInt(description.key), size, creationFlags(description)));
  if (contents === undefined ? stored === undefined : contents.length === 0) return;
  const address = calls.call(`attaching System V shared memory segment ${id}`, Syscall.Shmat, id, 0n, 0n);
  try {
    if (contents !== undefined) {
      const written = writeTaskMemory(calls.pid, [{ addr: address, len: contents.length }], contents);
      if (written.stoppedAt !== null) throw new AmberError(`${calls.name}: cannot fill System V shared memory segment ${id}`);
    } else if (stored !== undefined) {
      fillFromPages(calls.pid, address, size, stored);
    }
  } finally {
    calls.call(`detaching System V shared memory segment ${id}`, Syscall.Shmdt, address);
  }
}

/** Copies stored pages into the segment through its mapping in the task (/proc/PID/map_files, proc(5)). */
function fillFromPages(pid: Pid, address: bigint, size: bigint, stored: StoredPages): void {
  const end = address + ((size + PAGE_MASK) & ~PAGE_MASK);
  const segment = fs.openSync(`/proc/${pid}/map_files/${address.toString(16)}-${end.toString(16)}`, 'r+') as Fd;
  try {
    copyStoredPages(stored.imagesDir, stored.pageMap, segment);
  } finally {
    fs.closeSync(segment);
  }
}

export function createQueue(calls: TaskCalls, buffer: TaskBuffer, queue: IpcQueue): void {
  const { description } = queue;
  const id = BigInt(description.id);
  const setCapacity = (ds: Buffer): void => {
    ds.writeBigUInt64LE(BigInt(queue.capacity), MSG_QBYTES);
  };
  createWithId(calls, buffer, 'msg', description, (what) => calls.call(what, Syscall.Msgget, BigInt(description.key), creationFlags(description)), setCapacity);
  queue.messages.forEach((message, index) => {
    const data = Buffer.alloc(MSGBUF_TEXT + message.text.length);
    data.writeBigInt64LE(message.type, 0);
    message.text.copy(data, MSGBUF_TEXT);
    const address = buffer.memory.write(data);
    calls.call(`queueing message ${index} on System V message queue ${id}`, Syscall.Msgsnd, id, address, BigInt(message.text.length), BigInt(IPC_NOWAIT));
  });
}

export function createSemaphoreSet(calls: TaskCalls, buffer: TaskBuffer, set: IpcSemaphoreSet): void {
  const { description, values } = set;
  const count = BigInt(values.length);
  createWithId(calls, buffer, 'sem', description, (what) => calls.call(what, Syscall.Semget, BigInt(description.key), count, creationFlags(description)));
  const data = Buffer.alloc(2 * values.length);
  values.forEach((value, i) => data.writeUInt16LE(value, 2 * i));
  const address = buffer.memory.write(data);
  calls.call(`setting the values of System V semaphore set ${description.id}`, ...ctlCall('sem', description.id, SETALL, address));
}
