/**
 * Open file descriptions (files.img): each one once, whatever number of fds
 * in whatever tasks point at it. Kinds the model does not describe yet are
 * kept whole as 'other'.
 */
import { bigInteger, boolean, enumName, flags, identifier, integer, list, optional, text, zeroIsNone, type Flags } from './codecs';
import { cloneEntry, field, FieldError, fromEntry, group, inline, isEmptyEntry, messages, optionalGroup, toEntry, within, type Codec, type Entry, type Modeled, type Rules } from './fields';
import type { Fd, FileId, PipeId, SignalSet } from './ids';
import { socketName } from './socket-name';
import { timeSpecRules, timeValueRules, type TimeSpec, type TimeValue } from './time';

/** open(2) flags; the access mode is O_RDONLY when neither writeOnly nor readWrite is set. */
export const OPEN_FLAG_BITS = {
  writeOnly: 0o1,
  readWrite: 0o2,
  create: 0o100,
  exclusive: 0o200,
  noControllingTty: 0o400,
  truncate: 0o1000,
  append: 0o2000,
  nonBlocking: 0o4000,
  dataSync: 0o10000,
  async: 0o20000,
  direct: 0o40000,
  largeFile: 0o100000,
  directory: 0o200000,
  noFollow: 0o400000,
  noAccessTime: 0o1000000,
  closeOnExec: 0o2000000,
} as const;

export type OpenFlags = Flags<keyof typeof OPEN_FLAG_BITS>;

interface FileBase extends Modeled {
  id: FileId;
}

/** Who gets SIGIO for the file (fcntl F_SETOWN/F_SETSIG). */
export interface FileOwner {
  uid: number;
  euid: number;
  /** The F_SETSIG signal, 0 for SIGIO. */
  signal: number;
  /** F_OWNER_TID, F_OWNER_PID or F_OWNER_PGRP. */
  pidType: number;
  pid: number;
}

/** A description that can have an owner: every kind but FIFOs, whose path file has it. */
interface OwnedFile extends FileBase {
  owner: FileOwner;
}

export interface RegularFile extends OwnedFile {
  kind: 'regular';
  path: string;
  flags: OpenFlags;
  position: bigint;
  /** File size at dump time, recorded to check the file on restore. */
  size: bigint | undefined;
  mode: number | undefined;
  /** The ELF build-id of a program or library, recorded to check the file on restore. */
  buildId: BuildId | undefined;
}

/** A GNU build-id as the images keep it: its bytes in little-endian 32-bit words, the last one zero-padded. */
export type BuildId = readonly number[];

const buildIdWords: Codec<BuildId | undefined> = {
  read: (value) => {
    const words = list(integer).read(value);
    return words.length === 0 ? undefined : words;
  },
  write: (id) => (id === undefined ? undefined : list(integer).write([...id])),
};

export interface PipeEnd extends OwnedFile {
  kind: 'pipe';
  pipe: PipeId;
  flags: OpenFlags;
}

export interface FifoEnd extends FileBase {
  kind: 'fifo';
  pipe: PipeId;
  /** The regular-file description that names the FIFO's path and open flags. */
  pathFile: FileId | undefined;
}

export interface UnixSocket extends OwnedFile {
  kind: 'unix-socket';
  inode: number;
  /** SOCK_STREAM (1), SOCK_DGRAM (2), SOCK_SEQPACKET (5). */
  socketType: number;
  /** TCP-style state: 1 established/connected, 7 closed, 10 listening. */
  state: number;
  flags: OpenFlags;
  backlog: number;
  /** The peer socket's inode, or undefined when not connected. */
  peerInode: number | undefined;
  /** sun_path bytes as bound (a leading NUL for an abstract name); empty when unbound. */
  name: Buffer;
  /** CRIU's own marks: USK_EXTERN (1), USK_SERVICE (2), USK_CALLBACK (4), USK_INHERIT (8). */
  criuFlags: number;
  options: SocketOptions;
  /** Which directions shutdown(2) closed, as the socket itself sees it. */
  shutdown: SocketShutdown | undefined;
  /** Owner and mode of the socket file of a path name. */
  filePermissions: { mode: number; uid: number; gid: number } | undefined;
  /** The id (as in ids-PID.img) of the network namespace the socket lives in; CRIU's restore creates it there. */
  netNamespace: number | undefined;
}

/** UnixSocket.criuFlags USK_EXTERN: the entry stands for a socket outside the checkpoint that a socket in it is connected to. */
export const EXTERNAL_UNIX_SOCKET = 1;

export type SocketShutdown = 'NONE' | 'READ' | 'WRITE' | 'BOTH';

/** The socket options every socket has (SO_SNDBUF, SO_RCVBUF, SO_SNDTIMEO, SO_RCVTIMEO...); the ones of other protocols stay unmodeled. */
export interface SocketOptions {
  sendBuffer: number;
  receiveBuffer: number;
  sendTimeout: TimeValue;
  receiveTimeout: TimeValue;
  /** SO_PASSCRED, SO_PASSSEC, SO_PRIORITY and SO_RCVLOWAT; undefined where an image leaves them out. */
  passCredentials: boolean | undefined;
  passSecurity: boolean | undefined;
  priority: number | undefined;
  receiveLowWatermark: number | undefined;
}

export interface EventFd extends OwnedFile {
  kind: 'eventfd';
  flags: OpenFlags;
  counter: bigint;
  /** EFD_SEMAPHORE: each read takes 1 from the counter. Undefined in CRIU's images, which do not record it. */
  semaphore: boolean | undefined;
}

export interface TimerFd extends OwnedFile {
  kind: 'timerfd';
  flags: OpenFlags;
  clock: number;
  /** Expirations not yet read. */
  ticks: bigint;
  /** timerfd_settime(2) flags. */
  settimeFlags: number;
  remaining: TimeSpec;
  interval: TimeSpec;
}

export interface SignalFd extends OwnedFile {
  kind: 'signalfd';
  flags: OpenFlags;
  signals: SignalSet;
}

/** A name_to_handle_at(2) handle: `size` bytes of handle data, stored as 64-bit words. */
export interface FileHandle {
  type: number;
  size: number;
  words: bigint[];
}

export interface InotifyWatch extends Modeled {
  wd: number;
  inode: bigint;
  device: number;
  mask: number;
  ignoredMask: number;
  /** How restore reopens the watched inode. */
  handle: FileHandle;
  /** The watched path as resolved at dump time. */
  path: string | undefined;
}

export interface Inotify extends OwnedFile {
  kind: 'inotify';
  flags: OpenFlags;
  watches: InotifyWatch[];
}

export interface EpollTarget extends Modeled {
  fd: Fd;
  events: number;
  data: bigint;
}

export interface Epoll extends OwnedFile {
  kind: 'epoll';
  flags: OpenFlags;
  targets: EpollTarget[];
}

/** A kind of file the model does not describe yet: the whole entry is in `unmodeled`. */
export interface OtherFile extends FileBase {
  kind: 'other';
  /** The image's fd type name (TTY, INETSK, ...). */
  type: string;
}

export type OpenFile = RegularFile | PipeEnd | FifoEnd | UnixSocket | EventFd | TimerFd | SignalFd | Inotify | Epoll | OtherFile;
type DescribedFile = Exclude<OpenFile, OtherFile>;

const openFlags = flags(OPEN_FLAG_BITS);
export const ownerRule = group<FileOwner>('fown', {
  uid: field('uid', integer),
  euid: field('euid', integer),
  signal: field('signum', integer),
  pidType: field('pid_type', integer),
  pid: field('pid', integer),
});
const pipeId = identifier<PipeId>();
/** Watches and epoll targets once lived in images of their own and named their file by id; CRIU now writes 0 there. */
const LEGACY_ID = { id: 0 };

/** How each described kind sits in a file entry: its fd type, the sub-message holding it, and that message's fields. */
type KindLayout<F extends DescribedFile> = { type: string; message: string; rules: Rules<Omit<F, 'kind' | 'id'>> };
type KindLayouts = { [K in DescribedFile['kind']]: KindLayout<Extract<DescribedFile, { kind: K }>> };

const LAYOUTS: KindLayouts = {
  regular: {
    type: 'REG',
    message: 'reg',
    rules: {
      path: field('name', text),
      flags: field('flags', openFlags),
      owner: ownerRule,
      position: field('pos', bigInteger),
      size: field('size', optional(bigInteger)),
      mode: field('mode', optional(integer)),
      buildId: field('build_id', buildIdWords),
    },
  },
  pipe: { type: 'PIPE', message: 'pipe', rules: { pipe: field('pipe_id', pipeId), flags: field('flags', openFlags), owner: ownerRule } },
  fifo: { type: 'FIFO', message: 'fifo', rules: { pipe: field('pipe_id', pipeId), pathFile: field('regf_id', optional(identifier<FileId>())) } },
  'unix-socket': {
    type: 'UNIXSK',
    message: 'usk',
    rules: {
      inode: field('ino', integer),
      socketType: field('type', integer),
      state: field('state', integer),
      flags: field('flags', openFlags),
      owner: ownerRule,
      backlog: field('backlog', integer),
      peerInode: field('peer', zeroIsNone<number>()),
      name: field('name', socketName),
      criuFlags: field('uflags', integer),
      options: group('opts', {
        sendBuffer: field('so_sndbuf', integer),
        receiveBuffer: field('so_rcvbuf', integer),
        sendTimeout: inline(timeValueRules('so_snd_tmo_sec', 'so_snd_tmo_usec')),
        receiveTimeout: inline(timeValueRules('so_rcv_tmo_sec', 'so_rcv_tmo_usec')),
        passCredentials: field('so_passcred', optional(boolean)),
        passSecurity: field('so_passsec', optional(boolean)),
        priority: field('so_priority', optional(integer)),
        receiveLowWatermark: field('so_rcvlowat', optional(integer)),
      }),
      shutdown: field('shutdown', optional(enumName(['NONE', 'READ', 'WRITE', 'BOTH'] as const))),
      filePermissions: optionalGroup('file_perms', { mode: field('mode', integer), uid: field('uid', integer), gid: field('gid', integer) }),
      netNamespace: field('ns_id', optional(integer)),
    },
  },
  eventfd: {
    type: 'EVENTFD',
    message: 'efd',
    rules: { flags: field('flags', openFlags), owner: ownerRule, counter: field('counter', bigInteger), semaphore: field('semaphore', optional(boolean)) },
  },
  timerfd: {
    type: 'TIMERFD',
    message: 'tfd',
    rules: {
      flags: field('flags', openFlags),
      owner: ownerRule,
      clock: field('clockid', integer),
      ticks: field('ticks', bigInteger),
      settimeFlags: field('settime_flags', integer),
      remaining: inline(timeSpecRules('vsec', 'vnsec')),
      interval: inline(timeSpecRules('isec', 'insec')),
    },
  },
  signalfd: { type: 'SIGNALFD', message: 'sgfd', rules: { flags: field('flags', openFlags), owner: ownerRule, signals: field('sigmask', bigInteger) } },
  inotify: {
    type: 'INOTIFY',
    message: 'ify',
    rules: {
      flags: field('flags', openFlags),
      owner: ownerRule,
      watches: field(
        'wd',
        messages<InotifyWatch>({
          wd: field('wd', integer),
          inode: field('i_ino', bigInteger),
          device: field('s_dev', integer),
          mask: field('mask', integer),
          ignoredMask: field('ignored_mask', integer),
          path: field('f_handle.path', optional(text)),
          handle: group('f_handle', { type: field('type', integer), size: field('bytes', integer), words: field('handle', list(bigInteger)) }),
        }, LEGACY_ID),
      ),
    },
  },
  epoll: {
    type: 'EVENTPOLL',
    message: 'epfd',
    rules: {
      flags: field('flags', openFlags),
      owner: ownerRule,
      targets: field(
        'tfd',
        messages<EpollTarget>({ fd: field('tfd', identifier<Fd>()), events: field('events', integer), data: field('data', bigInteger) }, LEGACY_ID),
      ),
    },
  },
};

const layoutByType = new Map(Object.entries(LAYOUTS).map(([kind, layout]) => [layout.type, { kind, layout }]));

function entryRules(kind: string, layout: KindLayout<DescribedFile>): Rules<DescribedFile> {
  const kindCodec: Codec<string> = { read: () => kind, write: () => layout.type };
  return { kind: field('type', kindCodec), id: field('id', identifier<FileId>()), ...within(layout.message, layout.rules) } as Rules<DescribedFile>;
}

/** One files.img entry as a model object. Its sub-message repeats the id, which the model keeps once. */
export function openFileFromEntry(entry: Entry): OpenFile {
  const type = text.read(entry.type);
  const found = layoutByType.get(type);
  const rest = cloneEntry(entry);
  if (found === undefined) {
    const id = integer.read(rest.id) as FileId;
    delete rest.type;
    delete rest.id;
    return { kind: 'other', type, id, unmodeled: rest };
  }
  const { kind, layout } = found as { kind: string; layout: KindLayout<DescribedFile> };
  const message = rest[layout.message] as Entry | undefined;
  if (message === undefined) throw new FieldError(`${layout.message} is missing for a ${type} file`);
  if (message.id !== entry.id) throw new FieldError(`${layout.message}.id ${String(message.id)} differs from id ${String(entry.id)}`);
  delete message.id;
  const file = fromEntry(rest, entryRules(kind, layout));
  // Writing puts the sub-message back (it holds the id), so an emptied one says nothing more.
  const { unmodeled } = file;
  if (unmodeled === undefined) return file;
  const leftover = unmodeled[layout.message] as Entry | undefined;
  if (leftover !== undefined && isEmptyEntry(leftover)) delete unmodeled[layout.message];
  if (isEmptyEntry(unmodeled)) delete file.unmodeled;
  return file;
}

export function openFileToEntry(file: OpenFile): Entry {
  if (file.kind === 'other') return { type: file.type, id: file.id, ...cloneEntry(file.unmodeled ?? {}) };
  const layout = LAYOUTS[file.kind] as KindLayout<DescribedFile>;
  const entry = toEntry(file, entryRules(file.kind, layout));
  entry[layout.message] = { ...(entry[layout.message] as Entry | undefined), id: file.id };
  return entry;
}
