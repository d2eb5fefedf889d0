/**
 * The paths of inodes that inotify watches and fanotify marks hold. The
 * kernel shows only each inode's file handle; the task itself opens it by
 * an injected open_by_handle_at(2) (which needs CAP_DAC_READ_SEARCH in the
 * task), and amber reads the path of the fd it got, then closes it.
 * open_by_handle_at wants an fd on the filesystem that is not O_PATH: the
 * task's cwd when it is there, else its mount point opened read-only (which
 * shows watchers of that directory an open and a close).
 */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import { readMountInfo, type MountInfo } from '../../proc/mountinfo';
import type { FileHandle } from '../../proc/fdinfo-notify';
import type { Device, Inode } from '../../proc/types';
import { fileHandleStruct } from '../../sys/fsnotify';
import { errnoName } from '../../sys/errno';
import { InjectionSession } from '../../sys/inject';
import { Syscall } from '../../sys/syscall-numbers';
import type { FdSubject } from './kind';

export interface WatchedInode {
  ino: Inode;
  device: Device;
  handle?: FileHandle;
  /** What holds it, for errors: "inotify watch wd 2". */
  holder: string;
}

const AT_FDCWD = -100n;
const O_PATH = 0o10000000n;
const O_RDONLY = 0n;
const O_DIRECTORY = 0o200000n;
const O_CLOEXEC = 0o2000000n;
/** Where the mount point's path goes in the scratch memory; the handle (at most 136 bytes) goes first. */
const PATH_OFFSET = 256;

/** The major and minor of a stat(2) st_dev (glibc's gnu_dev_major and gnu_dev_minor). */
function userDevice(dev: number): Device {
  const raw = BigInt(dev);
  return { major: Number(((raw >> 8n) & 0xfffn) | ((raw >> 32n) & ~0xfffn)), minor: Number((raw & 0xffn) | ((raw >> 12n) & ~0xffn)) };
}

const sameDevice = (a: Device, b: Device): boolean => a.major === b.major && a.minor === b.minor;

class HandleOpener {
  private readonly mounts: MountInfo[];

  constructor(
    private readonly subject: FdSubject,
    private readonly session: InjectionSession,
  ) {
    this.mounts = readMountInfo(subject.pid);
  }

  pathOf(inode: WatchedInode): string {
    const where = `task ${this.subject.pid} fd ${this.subject.fd}: ${inode.holder}`;
    if (inode.handle === undefined) throw new AmberError(`${where}: its filesystem gives no file handle, so its path cannot be found`);
    const mount = this.mounts.find((candidate) => sameDevice(candidate.device, inode.device));
    if (mount === undefined) throw new AmberError(`${where}: no mount of device ${inode.device.major}:${inode.device.minor} in the task's mount namespace`);
    const scratch = this.session.scratch();
    const handleAddress = scratch.write(fileHandleStruct(inode.handle.type, inode.handle.bytes));
    const mountFd = this.onFilesystem(where, mount);
    try {
      const fd = this.openInTask(where, 'opening it by its file handle', Syscall.OpenByHandleAt, mountFd, handleAddress, O_PATH | O_CLOEXEC);
      try {
        return this.checkedPath(where, fd, inode);
      } finally {
        this.session.syscall(Syscall.Close, fd);
      }
    } finally {
      if (mountFd !== AT_FDCWD) this.session.syscall(Syscall.Close, mountFd);
    }
  }

  /** An fd in the task on the filesystem of `mount`: AT_FDCWD when its cwd is there. */
  private onFilesystem(where: string, mount: MountInfo): bigint {
    if (sameDevice(userDevice(fs.statSync(`/proc/${this.subject.pid}/cwd`).dev), mount.device)) return AT_FDCWD;
    const mountAddress = this.session.scratch().write(Buffer.from(`${mount.mountPoint}\0`), PATH_OFFSET);
    return this.openInTask(where, `opening its mount ${mount.mountPoint}`, Syscall.Openat, AT_FDCWD, mountAddress, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }

  private openInTask(where: string, what: string, nr: number, ...args: bigint[]): bigint {
    const fd = this.session.syscall(nr, ...args);
    if (fd < 0n) throw new AmberError(`${where}: ${what} in the task failed: ${errnoName(Number(-fd))}`);
    return fd;
  }

  /** The fd's path, if it still names the watched inode (not a deleted or replaced file). */
  private checkedPath(where: string, fd: bigint, inode: WatchedInode): string {
    const found = fs.readlinkSync(`/proc/${this.subject.pid}/fd/${fd}`);
    let ino: bigint | undefined;
    try {
      ino = fs.statSync(found, { bigint: true }).ino;
    } catch {
      ino = undefined;
    }
    if (ino !== inode.ino) throw new AmberError(`${where}: its inode ${inode.ino} has no path (found '${found}', which names another file or none)`);
    return found;
  }
}

/** The path of each inode, in order; opens one injection session in the task's main thread, and none when there are no inodes. */
export function watchedPaths(subject: FdSubject, inodes: readonly WatchedInode[]): string[] {
  if (inodes.length === 0) return [];
  const session = InjectionSession.open(subject.pid, subject.pid);
  try {
    const opener = new HandleOpener(subject, session);
    return inodes.map((inode) => opener.pathOf(inode));
  } finally {
    session.close();
  }
}
