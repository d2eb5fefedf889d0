/**
 * The kernel interface of inotify(7), fanotify(7) and file handles
 * (open_by_handle_at(2)): the constants and structures of the calls amber
 * injects (the native addon does not wrap them).
 */
import { ioctlBuffer } from './fd';
import type { Fd } from './types';

export const IN_NONBLOCK = 0o4000;
/** Queued when a watch goes away, by inotify_rm_watch(2) or because its inode did. */
export const IN_IGNORED = 0x8000;
/** struct inotify_event without a name: wd, mask, cookie, len. */
export const INOTIFY_EVENT_SIZE = 16;

/** The bytes of unread events in an inotify or fanotify queue (ioctl FIONREAD, see inotify(7)). */
const FIONREAD = 0x541bn;

export function queuedEventBytes(fd: Fd): number {
  const size = Buffer.alloc(4);
  ioctlBuffer(fd, FIONREAD, size);
  return size.readInt32LE(0);
}

/** struct file_handle: handle_bytes (u32), handle_type (int), then the handle. */
export function fileHandleStruct(type: number, handle: Buffer): Buffer {
  const struct = Buffer.alloc(8 + handle.length);
  struct.writeUInt32LE(handle.length, 0);
  struct.writeInt32LE(type, 4);
  handle.copy(struct, 8);
  return struct;
}

/** fanotify_mark(2) flags. */
export const FAN_MARK_ADD = 0x1;
export const FAN_MARK_MOUNT = 0x10;
export const FAN_MARK_IGNORED_MASK = 0x20;
export const FAN_MARK_IGNORED_SURV_MODIFY = 0x40;
export const FAN_MARK_EVICTABLE = 0x200;
