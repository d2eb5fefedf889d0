/**
 * Every System V object of the IPC namespace of the task that runs the
 * calls: listed by index with the *_STAT_ANY commands, shared memory read
 * through a read-only attachment, messages copied without being taken off
 * their queue (msgrcv MSG_COPY), semaphore values with GETALL.
 */
import type { IpcDescription, IpcNamespace, IpcQueue, IpcSegment, IpcSemaphoreSet } from '../../model/ipc';
import {
  ctlCall,
  GETALL,
  IPC_NOUNS,
  IPC_NOWAIT,
  LISTING,
  MSG_COPY,
  MSG_QBYTES,
  MSG_QNUM,
  MSGBUF_TEXT,
  parsePerm,
  SEM_NSEMS,
  SHM_RDONLY,
  SHM_SEGSZ,
  type IpcKind,
} from '../../sys/sysv-ipc';
import { Syscall } from '../../sys/syscall-numbers';
import type { TaskBuffer, TaskCalls } from '../../sys/task-calls';
import { readTaskMemory } from '../../sys/vm';

/** One object found: its description and its whole *_ds structure. */
interface Listed {
  description: IpcDescription;
  ds: Buffer;
}


function listObjects(calls: TaskCalls, buffer: TaskBuffer, kind: IpcKind): Listed[] {
  const { info, statAny, statSize } = LISTING[kind];
  const { address } = buffer.memory;
  const highest = Number(calls.call(`counting its System V ${IPC_NOUNS[kind]}s`, ...ctlCall(kind, 0, info, address)));
  const listed: Listed[] = [];
  for (let index = 0; index <= highest; index++) {
    // EINVAL: no object at this index.
    const id = calls.attempt(`reading System V ${IPC_NOUNS[kind]} at index ${index}`, 'EINVAL', ...ctlCall(kind, index, statAny, address));
    if (id === undefined) continue;
    const ds = buffer.memory.read(0, statSize);
    listed.push({ description: { id: Number(id), ...parsePerm(ds) }, ds });
  }
  return listed;
}

function dumpSegment(calls: TaskCalls, { description, ds }: Listed): IpcSegment {
  const size = ds.readBigUInt64LE(SHM_SEGSZ);
  const id = BigInt(description.id);
  const address = calls.call(`attaching System V shared memory segment ${id}`, Syscall.Shmat, id, 0n, BigInt(SHM_RDONLY));
  try {
    return { description, size, contents: readTaskMemory(calls.pid, [{ addr: address, len: Number(size) }]) };
  } finally {
    calls.call(`detaching System V shared memory segment ${id}`, Syscall.Shmdt, address);
  }
}

function dumpQueue(calls: TaskCalls, buffer: TaskBuffer, { description, ds }: Listed): IpcQueue {
  const { address, size } = buffer.memory;
  const flags = BigInt(IPC_NOWAIT | MSG_COPY);
  const messages = Array.from({ length: Number(ds.readBigUInt64LE(MSG_QNUM)) }, (_, index) => {
    const what = `copying message ${index} of System V message queue ${description.id}`;
    const length = calls.call(what, Syscall.Msgrcv, BigInt(description.id), address, BigInt(size - MSGBUF_TEXT), BigInt(index), flags);
    const message = buffer.memory.read(0, MSGBUF_TEXT + Number(length));
    return { type: message.readBigInt64LE(0), text: Buffer.from(message.subarray(MSGBUF_TEXT)) };
  });
  return { description, capacity: Number(ds.readBigUInt64LE(MSG_QBYTES)), messages };
}

function dumpSemaphoreSet(calls: TaskCalls, buffer: TaskBuffer, { description, ds }: Listed): IpcSemaphoreSet {
  const count = Number(ds.readBigUInt64LE(SEM_NSEMS));
  calls.call(`reading System V semaphore set ${description.id}`, ...ctlCall('sem', description.id, GETALL, buffer.memory.address));
  const values = buffer.memory.read(0, 2 * count);
  return { description, values: Array.from({ length: count }, (_, i) => values.readUInt16LE(2 * i)) };
}

/** The objects of the calling task's IPC namespace; `buffer` must hold the largest message and semaphore set. */
export function dumpIpcObjects(calls: TaskCalls, buffer: TaskBuffer): Pick<IpcNamespace, 'segments' | 'queues' | 'semaphoreSets'> {
  return {
    segments: listObjects(calls, buffer, 'shm').map((listed) => dumpSegment(calls, listed)),
    queues: listObjects(calls, buffer, 'msg').map((listed) => dumpQueue(calls, buffer, listed)),
    semaphoreSets: listObjects(calls, buffer, 'sem').map((listed) => dumpSemaphoreSet(calls, buffer, listed)),
  };
}
