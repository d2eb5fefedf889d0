/**
 * Shared memory objects on restore, each made once and used by every
 * mapping and fd that had it, so that a write by one task is seen by all:
 *   - anonymous shared memory: an injected mmap(MAP_SHARED|MAP_ANONYMOUS)
 *     in the first task that maps it makes the object, which amber opens
 *     through /proc/PID/map_files and then unmaps. It is the kind of object
 *     the kernel makes for such mappings ("/dev/zero (deleted)" in maps);
 *   - memfds: memfd_create in amber, with their name and owner.
 * amber writes the stored pages into the object; a task maps it at the
 * VMA's offset through an fd it opens on /proc/AMBER/fd/N. Seals are added
 * once the contents are in, and F_SEAL_FUTURE_WRITE only once every task
 * has its mappings, as it refuses new writable ones (fcntl(2)).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AmberError } from '../errors';
import { memfdFileOf, pageLocations, SEAL_BITS, type Checkpoint, type FileId, type MemfdInode, type PageMap, type Vma } from '../model';
import { MAP_SHARED, MFD_ALLOW_SEALING, MFD_CLOEXEC, PAGE_SIZE, PROT_READ, PROT_WRITE } from '../sys/constants';
import { close, fcntl, memfdCreate } from '../sys/fd';
import { Syscall } from '../sys/syscall-numbers';
import type { Fd } from '../sys/types';
import type { RestoringTask } from './context';
import { openInTask } from './task-files';

const MAP_ANONYMOUS = 0x20;
const F_ADD_SEALS = 1033;
const O_RDWR = 2;
const O_ACCESS_MODE = 0o3;
/** Bytes moved from a pages file into an object at once. */
const CHUNK_BYTES = 4 << 20;

const hex = (value: bigint): string => value.toString(16);

/** Whether a VMA maps a shared memory object of this module. */
export const isSharedMemoryVma = (vma: Vma): boolean => (vma.kind.anonShared && !vma.kind.sysvIpc) || vma.kind.memfd;

export class SharedMemoryObjects {
  private readonly anonymous = new Map<bigint, Fd>();
  private readonly memfds = new Map<number, Fd>();
  private readonly deferredSeals: { fd: Fd; seals: number }[] = [];

  constructor(private readonly checkpoint: Checkpoint) {}

  private get imagesDir(): string {
    return path.resolve(this.checkpoint.rawImages.directory);
  }

  /** Opens the object `vma` maps in the task, with the access its mapping needs; returns the fd there, which the caller closes. */
  openFor(task: RestoringTask, vma: Vma): bigint {
    const user = `task ${task.task.pid}`;
    const object = vma.kind.memfd ? this.memfdOfFile(Number(vma.shmid) as FileId, user) : this.anonymousObject(task, vma.shmid);
    const access = vma.fileFlags === undefined ? O_RDWR : vma.fileFlags & O_ACCESS_MODE;
    return openInTask(task, `/proc/${process.pid}/fd/${object}`, access, `to map ${hex(vma.start)}-${hex(vma.end)}`);
  }

  /** amber's fd on memfd inode `inodeId`, made on first use. */
  memfd(inodeId: number, user: string): Fd {
    const known = this.memfds.get(inodeId);
    if (known !== undefined) return known;
    const inode = this.checkpoint.sharedMemory?.memfdInodes.find((candidate) => candidate.inodeId === inodeId);
    if (inode === undefined) throw new AmberError(`${user}: memfd inode ${inodeId} is not in memfd.img`);
    const fd = this.makeMemfd(inode, user);
    this.memfds.set(inodeId, fd);
    return fd;
  }

  /** Adds the seals that had to wait for every mapping. */
  sealDeferred(): void {
    for (const { fd, seals } of this.deferredSeals.splice(0)) fcntl(fd, F_ADD_SEALS, seals);
  }

  close(): void {
    for (const fd of [...this.anonymous.values(), ...this.memfds.values()]) close(fd);
    this.anonymous.clear();
    this.memfds.clear();
  }

  private memfdOfFile(id: FileId, user: string): Fd {
    const file = this.checkpoint.files.get(id);
    const memfd = file === undefined ? undefined : memfdFileOf(file);
    if (memfd === undefined) throw new AmberError(`${user}: mapped file id ${id} is not a memfd of the checkpoint`);
    return this.memfd(memfd.inodeId, user);
  }

  private makeMemfd(inode: MemfdInode, user: string): Fd {
    if (inode.hugetlbFlag !== undefined) throw new AmberError(`${user}: memfd ${inode.name} on huge pages is not supported yet`);
    const sealable = inode.seals !== SEAL_BITS.seal;
    const fd = memfdCreate(inode.name, MFD_CLOEXEC | (sealable ? MFD_ALLOW_SEALING : 0));
    try {
      this.fill(fd, inode.shmid);
      fs.ftruncateSync(fd, Number(inode.size));
      fs.fchownSync(fd, inode.uid, inode.gid);
      if (inode.seals & SEAL_BITS.futureWrite) this.deferredSeals.push({ fd, seals: inode.seals });
      else if (sealable && inode.seals !== 0) fcntl(fd, F_ADD_SEALS, inode.seals);
    } catch (e) {
      close(fd);
      throw e;
    }
    return fd;
  }

  /** The object of anonymous shared memory `shmid`, made in `task` on first use. */
  private anonymousObject(task: RestoringTask, shmid: bigint): Fd {
    const known = this.anonymous.get(shmid);
    if (known !== undefined) return known;
    const size = this.anonymousSize(shmid);
    const pid = task.main.pid;
    const address = task.main.check(`making shared memory ${shmid}`, Syscall.Mmap, 0n, size, BigInt(PROT_READ | PROT_WRITE), BigInt(MAP_SHARED | MAP_ANONYMOUS), -1n, 0n);
    let fd: Fd;
    try {
      fd = fs.openSync(`/proc/${pid}/map_files/${hex(address)}-${hex(address + size)}`, 'r+') as Fd;
    } finally {
      task.main.check(`unmapping shared memory ${shmid} from where it was made`, Syscall.Munmap, address, size);
    }
    this.anonymous.set(shmid, fd);
    this.fill(fd, shmid);
    return fd;
  }

  /** How far the mappings of anonymous shared memory `shmid` reach into it. */
  private anonymousSize(shmid: bigint): bigint {
    const vmas = this.checkpoint.tasks.flatMap((task) => task.memory?.vmas ?? []).filter((vma) => vma.kind.anonShared && vma.shmid === shmid);
    return vmas.reduce((size, vma) => (vma.fileOffset + vma.end - vma.start > size ? vma.fileOffset + vma.end - vma.start : size), 0n);
  }

  /** Writes the stored pages of object `shmid` into `fd` at their offsets; an object without stored pages stays zero-filled. */
  private fill(fd: Fd, shmid: bigint): void {
    const pageMap = this.checkpoint.sharedMemory?.pages.find((pages) => pages.shmid === shmid)?.pageMap;
    if (pageMap !== undefined) copyStoredPages(this.imagesDir, pageMap, fd);
  }
}

/** Writes stored pages into `target` at the offsets their ranges give. */
export function copyStoredPages(imagesDir: string, pageMap: PageMap, target: Fd): void {
  const image = path.join(imagesDir, `pages-${pageMap.pagesId}.img`);
  const source = fs.openSync(image, 'r');
  const buffer = Buffer.alloc(CHUNK_BYTES);
  try {
    for (const { range, offsetPages } of pageLocations(pageMap)) {
      const length = range.pageCount * PAGE_SIZE;
      for (let done = 0; done < length; ) {
        const chunk = Math.min(CHUNK_BYTES, length - done);
        const read = fs.readSync(source, buffer, 0, chunk, offsetPages * PAGE_SIZE + done);
        if (read < chunk) throw new AmberError(`${image}: ends before the pages of offset 0x${hex(range.address + BigInt(done))}`);
        fs.writeSync(target, buffer, 0, chunk, Number(range.address) + done);
        done += chunk;
      }
    }
  } finally {
    fs.closeSync(source);
  }
}

const objectsByCheckpoint = new WeakMap<Checkpoint, SharedMemoryObjects>();

/** The shared memory objects of the restore of `checkpoint`, which memory and fd restore both use. */
export function sharedMemoryFor(checkpoint: Checkpoint): SharedMemoryObjects {
  let objects = objectsByCheckpoint.get(checkpoint);
  if (objects === undefined) {
    objects = new SharedMemoryObjects(checkpoint);
    objectsByCheckpoint.set(checkpoint, objects);
  }
  return objects;
}

/** Closes amber's fds on the objects once the tasks hold their own. */
export function releaseSharedMemory(checkpoint: Checkpoint): void {
  objectsByCheckpoint.get(checkpoint)?.close();
  objectsByCheckpoint.delete(checkpoint);
}
