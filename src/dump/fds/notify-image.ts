/** How inotify watches and fanotify marks name their inode in images. */
import type { FileHandle } from '../../model';
import type { FileHandle as KernelHandle } from '../../proc/fdinfo-notify';

/** Images keep a handle as 16 little-endian 64-bit words (MAX_HANDLE_SZ, 128 bytes), zero-padded. */
const HANDLE_WORDS = 16;

export function imageHandle(handle: KernelHandle | undefined): FileHandle {
  const padded = Buffer.alloc(HANDLE_WORDS * 8);
  handle?.bytes.copy(padded);
  const words = Array.from({ length: HANDLE_WORDS }, (_, i) => padded.readBigUInt64LE(8 * i));
  return { type: handle?.type ?? 0, size: handle?.bytes.length ?? 0, words };
}
