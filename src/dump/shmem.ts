/**
 * Shared memory objects met in a dump, each once by its shmem inode (its
 * shmid): anonymous shared memory (MAP_SHARED|MAP_ANONYMOUS, which fork
 * shares) and memfds. Their pages are read through an fd amber opens on the
 * object: pread returns zeros for a hole without filling it, where touching
 * a mapping would allocate the page. Pages that hold only zeros are left
 * out, so holes stay holes; the rest go at their offsets into
 * pagemap-shmem-SHMID.img and a pages file of their own.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PAGE_RANGE_BITS, type MemfdInode, type PageRange, type SharedMemory, type ShmemPages, type Task } from '../model';
import { flags } from '../model/codecs';
import { unlinkedOrNot } from '../proc/maps';
import { PAGE_SIZE } from '../sys/constants';
import { close, fcntl, memfdCreate } from '../sys/fd';
import type { Fd } from '../sys/types';
import type { FileSet } from './file-set';
import { pagesImageName } from './pages';

/** Bytes read from an object at once. */
const CHUNK_BYTES = 4 << 20;
const F_GET_SEALS = 1034;
const ZERO_PAGE = Buffer.alloc(PAGE_SIZE);
const MEMFD_PREFIX = '/memfd:';
const PRESENT = flags(PAGE_RANGE_BITS).read(PAGE_RANGE_BITS.present);

/** The device of the kernel's internal shmem mount, home of anonymous shared memory and of memfds: that of a memfd amber makes. */
let shmemDevice: number | undefined;

export function isShmemDevice(device: number): boolean {
  if (shmemDevice === undefined) {
    const probe = memfdCreate('amber-probe');
    try {
      shmemDevice = fs.fstatSync(probe).dev;
    } finally {
      close(probe);
    }
  }
  return device === shmemDevice;
}

/** Whether a path the kernel shows ("/memfd:NAME", maybe with " (deleted)") names a memfd. */
export const isMemfdPath = (shown: string): boolean => shown.startsWith(MEMFD_PREFIX);

/** The name given to memfd_create(2), from the path the kernel shows for the memfd. */
export function memfdName(shown: string): string {
  return unlinkedOrNot(shown.slice(MEMFD_PREFIX.length)).path;
}

/** An object to read pages from: a path that opens it, and how far its pages go. */
interface SharedObject {
  source: string;
  size: bigint;
}

/** The shared memory objects of one dump. */
export class SharedMemoryDump {
  private readonly objects = new Map<bigint, SharedObject>();
  readonly memfdInodes: MemfdInode[] = [];

  /** Notes a mapping of anonymous shared memory `shmid`, reached through `source`, reaching `extent` bytes into it. */
  addMapping(shmid: bigint, source: string, extent: bigint): void {
    const known = this.objects.get(shmid);
    if (known === undefined) this.objects.set(shmid, { source, size: extent });
    else if (known.size < extent) known.size = extent;
  }

  /** The memfd.img inode id of the memfd that `source` (an fd or map_files path) opens, added on first sight. */
  memfdInode(source: string, stat: fs.Stats, name: string): number {
    const shmid = BigInt(stat.ino);
    const known = this.memfdInodes.find((inode) => inode.shmid === shmid);
    if (known !== undefined) return known.inodeId;
    const inodeId = this.memfdInodes.length + 1;
    this.memfdInodes.push({ inodeId, name, uid: stat.uid, gid: stat.gid, size: BigInt(stat.size), shmid, seals: sealsOf(source), hugetlbFlag: undefined });
    this.objects.set(shmid, { source, size: BigInt(stat.size) });
    return inodeId;
  }

  /** Writes every object's pages, numbering their pages files from `firstPagesId`; their names go into `written`. */
  writePages(directory: string, firstPagesId: number, written: string[]): ShmemPages[] {
    return [...this.objects].map(([shmid, object], index) => {
      const pagesId = firstPagesId + index;
      written.push(pagesImageName(pagesId));
      return { shmid, pageMap: { pagesId, ranges: copyPages(object, path.join(directory, pagesImageName(pagesId))) } };
    });
  }
}

/** F_GET_SEALS; a memfd made without MFD_ALLOW_SEALING reports F_SEAL_SEAL. */
function sealsOf(source: string): number {
  const fd = fs.openSync(source, 'r') as Fd;
  try {
    return fcntl(fd, F_GET_SEALS);
  } finally {
    close(fd);
  }
}

/** Copies the pages of `object` that hold data into `pagesFile`; returns their ranges, by offset. */
function copyPages(object: SharedObject, pagesFile: string): PageRange[] {
  const input = fs.openSync(object.source, 'r');
  const output = fs.openSync(pagesFile, 'w');
  const buffer = Buffer.alloc(CHUNK_BYTES);
  const ranges: PageRange[] = [];
  try {
    for (let offset = 0n; offset < object.size; offset += BigInt(CHUNK_BYTES)) {
      const wanted = object.size - offset < BigInt(CHUNK_BYTES) ? Number(object.size - offset) : CHUNK_BYTES;
      const length = fs.readSync(input, buffer, 0, wanted, offset);
      // The last page of a file that ends inside it is stored whole, zero-padded.
      buffer.fill(0, length, Math.ceil(length / PAGE_SIZE) * PAGE_SIZE);
      for (const [from, to] of dataRuns(buffer.subarray(0, Math.ceil(length / PAGE_SIZE) * PAGE_SIZE))) {
        fs.writeSync(output, buffer, from, to - from);
        addRun(ranges, offset + BigInt(from), (to - from) / PAGE_SIZE);
      }
      if (length < wanted) break;
    }
  } finally {
    fs.closeSync(input);
    fs.closeSync(output);
  }
  return ranges;
}

/** The [from, to) byte ranges of whole pages of `pages` that are not all zeros. */
function* dataRuns(pages: Buffer): Generator<[number, number]> {
  let runStart = -1;
  for (let at = 0; at <= pages.length; at += PAGE_SIZE) {
    const hasData = at < pages.length && !pages.subarray(at, at + PAGE_SIZE).equals(ZERO_PAGE);
    if (hasData && runStart < 0) runStart = at;
    if (!hasData && runStart >= 0) {
      yield [runStart, at];
      runStart = -1;
    }
  }
}

function addRun(ranges: PageRange[], offset: bigint, pageCount: number): void {
  const last = ranges[ranges.length - 1];
  if (last !== undefined && last.address + BigInt(last.pageCount * PAGE_SIZE) === offset) last.pageCount += pageCount;
  else ranges.push({ address: offset, pageCount, flags: PRESENT });
}

/** The shared memory objects of the dump whose files are in `files`. */
export const sharedMemoryOf = (files: FileSet): SharedMemoryDump => files.once('shared-memory', () => new SharedMemoryDump());

/** Writes the pages of every shared memory object the dump met, after the tasks' own pages files. */
export function dumpSharedMemory(files: FileSet, tasks: readonly Task[], directory: string, written: string[]): SharedMemory {
  const shared = sharedMemoryOf(files);
  const firstPagesId = Math.max(0, ...tasks.map((task) => task.pageMap?.pagesId ?? 0)) + 1;
  return { memfdInodes: shared.memfdInodes, pages: shared.writePages(directory, firstPagesId, written) };
}
