/** fdinfo lines of inotify and fanotify files (proc(5), fs/notify/fdinfo.c). */
import { FieldError, kernelDeviceField, namedFields, required, unsigned, unsigned64 } from './fields';
import { atLine, fileError, type NumberedLine } from './lines';
import type { Device, Inode } from './types';

/** A file handle as name_to_handle_at(2) returns it, for reopening the watched inode. */
export interface FileHandle {
  type: number;
  bytes: Buffer;
}

export interface InotifyWatch {
  wd: number;
  ino: Inode;
  device: Device;
  /** IN_* events watched. */
  mask: number;
  ignoredMask: number;
  /** Absent when the filesystem cannot encode handles. */
  handle?: FileHandle;
}

export interface InotifyInfo {
  kind: 'inotify';
  watches: InotifyWatch[];
}

interface FanotifyMarkMasks {
  /** FAN_MARK_* flags of the mark. */
  markFlags: number;
  /** FAN_* events. */
  mask: number;
  ignoredMask: number;
}

/** A fanotify mark on an inode, a mount or a whole filesystem. */
export type FanotifyMark =
  | (FanotifyMarkMasks & { target: 'inode'; ino: Inode; device: Device; handle?: FileHandle })
  | (FanotifyMarkMasks & { target: 'mount'; mntId: number })
  | (FanotifyMarkMasks & { target: 'filesystem'; device: Device });

export interface FanotifyInfo {
  kind: 'fanotify';
  /** FAN_CLASS_*, FAN_NONBLOCK, ... given to fanotify_init (not `flags`, which is the fd's open flags). */
  initFlags: number;
  /** O_* flags for the event files (fanotify_init's event_f_flags). */
  eventFlags: number;
  marks: FanotifyMark[];
}

const hex = (fields: Map<string, string>, key: string): number => unsigned(required(fields, key), key, 16);

function fileHandle(fields: Map<string, string>): FileHandle | undefined {
  const encoded = fields.get('f_handle');
  if (encoded === undefined) return undefined;
  const bytes = Buffer.from(encoded, 'hex');
  if (bytes.length !== hex(fields, 'fhandle-bytes')) throw new FieldError(`f_handle length differs from fhandle-bytes`);
  return { type: hex(fields, 'fhandle-type'), bytes };
}

function inotifyWatch(line: string): InotifyWatch {
  const fields = namedFields(line);
  return {
    wd: unsigned(required(fields, 'wd'), 'wd'),
    ino: unsigned64(required(fields, 'ino'), 'ino', 16),
    device: kernelDeviceField(required(fields, 'sdev'), 'sdev'),
    mask: hex(fields, 'mask'),
    ignoredMask: hex(fields, 'ignored_mask'),
    handle: fileHandle(fields),
  };
}

export const inotify = {
  owns: (line: string): boolean => line.startsWith('inotify '),
  decode: (file: string, lines: NumberedLine[]): InotifyInfo => ({
    kind: 'inotify',
    watches: lines.map(({ line, lineNumber }) => atLine(file, lineNumber, () => inotifyWatch(line))),
  }),
};

function fanotifyMark(fields: Map<string, string>): FanotifyMark {
  const masks = { markFlags: hex(fields, 'mflags'), mask: hex(fields, 'mask'), ignoredMask: hex(fields, 'ignored_mask') };
  if (fields.has('ino')) {
    const ino = unsigned64(fields.get('ino'), 'ino', 16);
    return { target: 'inode', ino, device: kernelDeviceField(required(fields, 'sdev'), 'sdev'), handle: fileHandle(fields), ...masks };
  }
  if (fields.has('mnt_id')) return { target: 'mount', mntId: hex(fields, 'mnt_id'), ...masks };
  return { target: 'filesystem', device: kernelDeviceField(required(fields, 'sdev'), 'sdev'), ...masks };
}

export const fanotify = {
  owns: (line: string): boolean => line.startsWith('fanotify '),
  decode(file: string, lines: NumberedLine[]): FanotifyInfo {
    const info: FanotifyInfo = { kind: 'fanotify', initFlags: 0, eventFlags: 0, marks: [] };
    let sawHeader = false;
    for (const { line, lineNumber } of lines) {
      atLine(file, lineNumber, () => {
        const fields = namedFields(line);
        if (fields.has('flags')) {
          info.initFlags = hex(fields, 'flags');
          info.eventFlags = hex(fields, 'event-flags');
          sawHeader = true;
        } else {
          info.marks.push(fanotifyMark(fields));
        }
      });
    }
    if (!sawHeader) throw fileError(file, 'no "fanotify flags:" line');
    return info;
  },
};
