/**
 * Objects shared by open files: the unread data of pipes and FIFOs, the
 * queued messages of sockets, and the files a checkpoint carries for
 * descriptions whose path is gone (ghost files).
 */
import { bigInteger, bytes, identifier, integer, list, optional, text } from './codecs';
import { field, FieldError, fromEntry, messages, optionalGroup, toEntry, type Codec, type Entry, type Modeled, type Rules } from './fields';
import type { FileId, Pid, PipeId } from './ids';
import { timeValueRules, type TimeValue } from './time';

/** Unread bytes of one pipe or FIFO (pipes-data.img, fifo-data.img). */
export interface PipeContents extends Modeled {
  pipe: PipeId;
  data: Buffer;
  /** F_GETPIPE_SZ: the buffer size. */
  capacity: number | undefined;
}

/** One message waiting in a socket's receive queue (sk-queues.img). */
export interface QueuedPacket extends Modeled {
  /** The receiving socket. */
  socket: FileId;
  data: Buffer;
  /** The open file descriptions sent with the message (SCM_RIGHTS), in the order the receiver gets their fds. */
  filesInFlight: FileId[];
  /** Who sent it (SCM_CREDENTIALS), recorded when the receiver asked for credentials (SO_PASSCRED). */
  sender: MessageSender | undefined;
}

/** A queued message's SCM_CREDENTIALS (struct ucred, unix(7)). */
export interface MessageSender {
  pid: Pid;
  uid: number;
  gid: number;
}

/** A description whose path the checkpoint replaces (remap-fpath.img). */
export interface FileRemap extends Modeled {
  file: FileId;
  remapId: number;
  /** LINKED, GHOST, PROCFS, SPFS... */
  type: string | undefined;
}

/** An unlinked file's inode and contents (ghost-file-ID.img). */
export interface GhostFile extends Modeled {
  remapId: number;
  uid: number;
  gid: number;
  mode: number;
  /** The file system's device, packed as the kernel packs it (major << 20 | minor), and the inode: which file it was. */
  device: number | undefined;
  inode: bigint | undefined;
  /** Last access and modification times, microsecond precision. */
  accessed: TimeValue | undefined;
  modified: TimeValue | undefined;
  /** The whole contents, when stored in one piece. */
  contents: Buffer | undefined;
  /** Entries of a ghost stored in chunks, as the image has them. */
  chunks: Entry[];
}

/** An entry whose raw payload (`extra`) is as long as its `lengthField` says. */
function sizedPayload<T extends Modeled & { data: Buffer }>(lengthField: string, fieldRules: Rules<Omit<T, 'data'>>) {
  type Header = Omit<T, 'data'> & Modeled;
  const rules = fieldRules as Rules<Header>;
  return {
    read(entry: Entry): T {
      const data = entry.extra === undefined ? Buffer.alloc(0) : bytes.read(entry.extra);
      if (entry[lengthField] !== data.length) throw new FieldError(`${lengthField} ${String(entry[lengthField])} but ${data.length} bytes follow`);
      const { extra: _extra, [lengthField]: _length, ...rest } = entry;
      return { ...fromEntry(rest, rules), data } as T;
    },
    write(value: T): Entry {
      return { ...toEntry<Header>(value, rules), [lengthField]: value.data.length, extra: bytes.write(value.data) };
    },
  };
}

export const pipeContentsEntry = sizedPayload<PipeContents>('bytes', {
  pipe: field('pipe_id', identifier<PipeId>()),
  capacity: field('size', optional(integer)),
});

/** The cmsg type of SCM_RIGHTS (socket(7)), the one kind of scm entry the image has. */
const SCM_RIGHTS = 1;

interface ScmEntry extends Modeled {
  type: number;
  rights: FileId[];
}

const scmEntries = messages<ScmEntry>({ type: field('type', integer), rights: field('rights', list(identifier<FileId>())) });

/** The scm entries of a message as the file ids they pass; a message carries at most one SCM_RIGHTS entry. */
const rightsInFlight: Codec<FileId[]> = {
  read: (value) =>
    scmEntries.read(value).flatMap((entry) => {
      if (entry.type !== SCM_RIGHTS) throw new FieldError(`scm type ${entry.type} is not SCM_RIGHTS`);
      return entry.rights;
    }),
  write: (files) => scmEntries.write(files.length === 0 ? [] : [{ type: SCM_RIGHTS, rights: files }]),
};

export const queuedPacketEntry = sizedPayload<QueuedPacket>('length', {
  socket: field('id_for', identifier<FileId>()),
  filesInFlight: field('scm', rightsInFlight),
  sender: optionalGroup('ucred', { pid: field('pid', identifier<Pid>()), uid: field('uid', integer), gid: field('gid', integer) }),
});

export const fileRemapRules: Rules<FileRemap> = {
  file: field('orig_id', identifier<FileId>()),
  remapId: field('remap_id', integer),
  type: field('remap_type', optional(text)),
};

/** The ghost header's fields; remapId comes from the file name and contents and chunks from the image's layout. */
export const ghostHeaderRules: Rules<Omit<GhostFile, 'remapId' | 'contents' | 'chunks'>> = {
  uid: field('uid', integer),
  gid: field('gid', integer),
  mode: field('mode', integer),
  device: field('dev', optional(integer)),
  inode: field('ino', optional(bigInteger)),
  accessed: optionalGroup('atim', timeValueRules('tv_sec', 'tv_usec')),
  modified: optionalGroup('mtim', timeValueRules('tv_sec', 'tv_usec')),
};
