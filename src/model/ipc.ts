/**
 * The System V IPC objects of one IPC namespace and its limits
 * (ipcns-var-ID.img, ipcns-shm-ID.img, ipcns-msg-ID.img, ipcns-sem-ID.img,
 * ID being the namespace's id in ids-PID.img): shared memory segments with
 * their bytes, message queues with their messages, semaphore sets with
 * their values.
 */
import { bigInteger, bytes, integer, list, optional } from './codecs';
import { field, FieldError, fromEntry, group, inline, listValues, toEntry, type Entry, type Modeled, type Rules } from './fields';
import type { ImageDirectory } from './image-directory';
import type { ImageToWrite } from './image-set';

/** The scalar sysctls of an IPC namespace: model name, ipc_var_entry field, file under /proc/sys. */
export const IPC_SYSCTLS = {
  msgmax: ['msg_ctlmax', 'kernel/msgmax'],
  msgmnb: ['msg_ctlmnb', 'kernel/msgmnb'],
  msgmni: ['msg_ctlmni', 'kernel/msgmni'],
  autoMsgmni: ['auto_msgmni', 'kernel/auto_msgmni'],
  shmmax: ['shm_ctlmax', 'kernel/shmmax'],
  shmall: ['shm_ctlall', 'kernel/shmall'],
  shmmni: ['shm_ctlmni', 'kernel/shmmni'],
  shmRmidForced: ['shm_rmid_forced', 'kernel/shm_rmid_forced'],
  mqQueuesMax: ['mq_queues_max', 'fs/mqueue/queues_max'],
  mqMsgMax: ['mq_msg_max', 'fs/mqueue/msg_max'],
  mqMsgsizeMax: ['mq_msgsize_max', 'fs/mqueue/msgsize_max'],
  mqMsgDefault: ['mq_msg_default', 'fs/mqueue/msg_default'],
  mqMsgsizeDefault: ['mq_msgsize_default', 'fs/mqueue/msgsize_default'],
  msgNextId: ['msg_next_id', 'kernel/msg_next_id'],
  semNextId: ['sem_next_id', 'kernel/sem_next_id'],
  shmNextId: ['shm_next_id', 'kernel/shm_next_id'],
} as const;

export type IpcSysctlName = keyof typeof IPC_SYSCTLS;
/** The id the next object of each kind gets; the kernel keeps -1 (left out of the image) until someone sets one. */
export const NEXT_ID_SYSCTLS = { shm: 'shmNextId', msg: 'msgNextId', sem: 'semNextId' } as const satisfies Record<string, IpcSysctlName>;
/** SEMMSL SEMMNS SEMOPM SEMMNI, in one file. */
export const SEMAPHORE_LIMITS_SYSCTL = 'kernel/sem';

export interface IpcSysctls extends Modeled {
  /** kernel/sem: SEMMSL (semaphores per set), SEMMNS, SEMOPM, SEMMNI. */
  semaphoreLimits: number[];
  /** undefined: the dumping kernel had no such sysctl, or a next id was unset. */
  values: Record<IpcSysctlName, bigint | undefined>;
}

/** An object's id, key, owners and mode (ipc_desc_entry). */
export interface IpcDescription {
  id: number;
  key: number;
  uid: number;
  gid: number;
  creatorUid: number;
  creatorGid: number;
  /** Permission bits (and the kernel's state bits, such as SHM_DEST). */
  mode: number;
}

export interface IpcSegment extends Modeled {
  description: IpcDescription;
  size: bigint;
  /** The segment's bytes; undefined when the image keeps them in pagemap-shmem-ID.img, by the segment's id (in_pagemaps, as CRIU 4 writes). */
  contents: Buffer | undefined;
}

export interface IpcMessage {
  /** mtype: positive, chosen by the sender. */
  type: bigint;
  text: Buffer;
}

export interface IpcQueue extends Modeled {
  description: IpcDescription;
  /** msg_qbytes: the most bytes the queue holds. */
  capacity: number;
  /** Oldest first. */
  messages: IpcMessage[];
}

export interface IpcSemaphoreSet extends Modeled {
  description: IpcDescription;
  values: number[];
}

export interface IpcNamespace {
  /** The namespace id of ids-PID.img (ipc_ns_id). */
  id: number;
  sysctls: IpcSysctls;
  segments: IpcSegment[];
  queues: IpcQueue[];
  semaphoreSets: IpcSemaphoreSet[];
}

const sysctlValueRules = Object.fromEntries(
  Object.entries(IPC_SYSCTLS).map(([name, [entryField]]) => [name, field(entryField, optional(bigInteger))]),
) as Rules<Record<IpcSysctlName, bigint | undefined>>;

const sysctlRules: Rules<IpcSysctls> = {
  semaphoreLimits: field('sem_ctls', list(integer)),
  values: inline(sysctlValueRules),
};

const descriptionRules: Rules<IpcDescription> = {
  id: field('id', integer),
  key: field('key', integer),
  uid: field('uid', integer),
  gid: field('gid', integer),
  creatorUid: field('cuid', integer),
  creatorGid: field('cgid', integer),
  mode: field('mode', integer),
};

const segmentRules: Rules<Omit<IpcSegment, 'contents'>> = { description: group('desc', descriptionRules), size: field('size', bigInteger) };
const queueRules: Rules<Omit<IpcQueue, 'messages'>> = { description: group('desc', descriptionRules), capacity: field('qbytes', integer) };
const semaphoreRules: Rules<Omit<IpcSemaphoreSet, 'values'>> = { description: group('desc', descriptionRules) };

/** Splits an entry into its message fields and its raw payload (crit's "extra"). */
function payloadOf(entry: Entry, counter: string): { rest: Entry; extra: unknown } {
  const { extra, [counter]: _count, ...rest } = entry;
  return { rest, extra };
}

function segmentOf(entry: Entry): IpcSegment {
  const { extra, ...rest } = entry;
  const contents = rest.in_pagemaps === true || extra === undefined ? undefined : bytes.read(extra);
  const segment = { ...fromEntry(rest, segmentRules), contents };
  if (contents !== undefined && BigInt(contents.length) !== segment.size) throw new FieldError(`size ${segment.size} but ${contents.length} bytes follow`);
  return segment;
}

function segmentEntry(segment: IpcSegment): Entry {
  const entry = toEntry(segment, segmentRules);
  return segment.contents === undefined ? entry : { ...entry, extra: bytes.write(segment.contents) };
}

function queueOf(entry: Entry): IpcQueue {
  const { rest, extra } = payloadOf(entry, 'qnum');
  const items = listValues(extra);
  const messages: IpcMessage[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) {
    const header = items[i] as Entry;
    messages.push({ type: bigInteger.read(header.mtype), text: bytes.read(items[i + 1]) });
  }
  return { ...fromEntry(rest, queueRules), messages };
}

function queueEntry(queue: IpcQueue): Entry {
  const extra = queue.messages.flatMap((message) => [{ mtype: bigInteger.write(message.type), msize: message.text.length }, bytes.write(message.text)]);
  return { ...toEntry(queue, queueRules), qnum: queue.messages.length, extra };
}

function semaphoreSetOf(entry: Entry): IpcSemaphoreSet {
  const { rest, extra } = payloadOf(entry, 'nsems');
  return { ...fromEntry(rest, semaphoreRules), values: listValues(extra).map((value) => integer.read(value)) };
}

function semaphoreSetEntry(set: IpcSemaphoreSet): Entry {
  return { ...toEntry(set, semaphoreRules), nsems: set.values.length, extra: set.values };
}

const IPC_VAR_NAME = /^ipcns-var-(\d+)\.img$/;

/** Image kind, file name and entry conversions of each object list. */
const OBJECT_IMAGES = {
  segments: { kind: 'IPCNS_SHM', name: (id: number) => `ipcns-shm-${id}.img`, read: segmentOf, write: segmentEntry },
  queues: { kind: 'IPCNS_MSG', name: (id: number) => `ipcns-msg-${id}.img`, read: queueOf, write: queueEntry },
  semaphoreSets: { kind: 'IPCNS_SEM', name: (id: number) => `ipcns-sem-${id}.img`, read: semaphoreSetOf, write: semaphoreSetEntry },
} as const;

const varImage = (id: number): string => `ipcns-var-${id}.img`;

async function readObjects<T>(images: ImageDirectory, name: string, kind: string, read: (entry: Entry) => T): Promise<T[]> {
  const entries = (await images.readIfPresent(name, kind)) ?? [];
  return entries.map((entry, index) => images.convert(name, index, () => read(entry)));
}

export async function readIpcNamespaces(images: ImageDirectory): Promise<IpcNamespace[]> {
  const namespaces: IpcNamespace[] = [];
  for (const name of images.unreadMatching(IPC_VAR_NAME)) {
    const id = Number(IPC_VAR_NAME.exec(name)![1]);
    const entry = await images.readOne(name, 'IPC_VAR', 'it is listed');
    const { segments, queues, semaphoreSets } = OBJECT_IMAGES;
    namespaces.push({
      id,
      sysctls: images.convert(name, 0, () => fromEntry(entry, sysctlRules)),
      segments: await readObjects(images, segments.name(id), segments.kind, segments.read),
      queues: await readObjects(images, queues.name(id), queues.kind, queues.read),
      semaphoreSets: await readObjects(images, semaphoreSets.name(id), semaphoreSets.kind, semaphoreSets.read),
    });
  }
  return namespaces;
}

export function ipcNamespaceImages(namespaces: readonly IpcNamespace[] | undefined): ImageToWrite[] {
  return (namespaces ?? []).flatMap((namespace) => {
    const { segments, queues, semaphoreSets } = OBJECT_IMAGES;
    const { id } = namespace;
    return [
      { name: varImage(id), kind: 'IPC_VAR', entries: [toEntry(namespace.sysctls, sysctlRules)] },
      { name: segments.name(id), kind: segments.kind, entries: namespace.segments.map(segments.write) },
      { name: queues.name(id), kind: queues.kind, entries: namespace.queues.map(queues.write) },
      { name: semaphoreSets.name(id), kind: semaphoreSets.kind, entries: namespace.semaphoreSets.map(semaphoreSets.write) },
    ];
  });
}
