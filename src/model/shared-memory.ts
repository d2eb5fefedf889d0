/**
 * Shared memory objects (shmem inodes): anonymous shared memory and memfds.
 * Each object's pages are in pagemap-shmem-SHMID.img, whose ranges give
 * offsets into the object rather than addresses. A memfd's inode (name,
 * size, seals) is in memfd.img; its open file descriptions are MEMFD entries
 * of files.img, which the model keeps as 'other' files and reads here.
 */
import { bigInteger, flags, identifier, integer, optional, text } from './codecs';
import { field, fromEntry, toEntry, type Modeled, type Rules } from './fields';
import { OPEN_FLAG_BITS, ownerRule, type FileOwner, type OpenFlags } from './files';
import type { FileId } from './ids';
import type { ImageDirectory } from './image-directory';
import type { ImageToWrite } from './image-set';
import type { PageMap } from './pagemap';
import { pageMapImage, readPageMap } from './task-images';
import { otherKind } from './other-kind';

export const MEMFD_INODES = 'memfd.img';
export const MEMFD_TYPE = 'MEMFD';
export const shmemPagemapImage = (shmid: bigint): string => `pagemap-shmem-${shmid}.img`;
const SHMEM_PAGEMAP_NAME = /^pagemap-shmem-(\d+)\.img$/;

/** fcntl(2) F_ADD_SEALS bits. */
export const SEAL_BITS = { seal: 0x1, shrink: 0x2, grow: 0x4, write: 0x8, futureWrite: 0x10 } as const;

/** One memfd (memfd.img entry), whatever number of descriptions and mappings use it. */
export interface MemfdInode extends Modeled {
  inodeId: number;
  /** The name given to memfd_create(2), without the "memfd:" the kernel shows. */
  name: string;
  uid: number;
  gid: number;
  size: bigint;
  /** The shmem object whose pages pagemap-shmem-SHMID.img holds. */
  shmid: bigint;
  /** F_GET_SEALS; F_SEAL_SEAL alone for a memfd made without MFD_ALLOW_SEALING. */
  seals: number;
  hugetlbFlag: number | undefined;
}

/** An open memfd description: its flags and position, and the inode it is open on. */
export interface MemfdFile extends Modeled {
  id: FileId;
  flags: OpenFlags;
  position: bigint;
  owner: FileOwner;
  inodeId: number;
}

/** The pages stored for one shmem object. */
export interface ShmemPages {
  shmid: bigint;
  pageMap: PageMap;
}

export interface SharedMemory {
  memfdInodes: MemfdInode[];
  pages: ShmemPages[];
}

const memfdInodeRules: Rules<MemfdInode> = {
  inodeId: field('inode_id', integer),
  name: field('name', text),
  uid: field('uid', integer),
  gid: field('gid', integer),
  size: field('size', bigInteger),
  shmid: field('shmid', bigInteger),
  seals: field('seals', integer),
  hugetlbFlag: field('hugetlb_flag', optional(integer)),
};

/** The fields of files.img's `memfd` sub-message. */
const memfdFileRules: Rules<MemfdFile> = {
  id: field('id', identifier<FileId>()),
  flags: field('flags', flags(OPEN_FLAG_BITS)),
  position: field('pos', bigInteger),
  owner: ownerRule,
  inodeId: field('inode_id', integer),
};

const memfdKind = otherKind<MemfdFile>(MEMFD_TYPE, 'memfd', memfdFileRules);
/** The memfd description behind a files.img entry, or undefined for other kinds. */
export const memfdFileOf = memfdKind.of;
/** A memfd description as the files.img entry the model keeps. */
export const memfdFileEntry = memfdKind.entry;


export async function readSharedMemory(images: ImageDirectory): Promise<SharedMemory> {
  const inodeEntries = (await images.readIfPresent(MEMFD_INODES, 'MEMFD_INODE')) ?? [];
  const memfdInodes = inodeEntries.map((entry, i) => images.convert(MEMFD_INODES, i, () => fromEntry(entry, memfdInodeRules)));
  const pages: ShmemPages[] = [];
  for (const name of images.unreadMatching(SHMEM_PAGEMAP_NAME)) {
    pages.push({ shmid: BigInt(SHMEM_PAGEMAP_NAME.exec(name)![1]), pageMap: await readPageMap(images, name, 'it is listed') });
  }
  return { memfdInodes, pages };
}

export function sharedMemoryImages(shared: SharedMemory | undefined): ImageToWrite[] {
  if (shared === undefined) return [];
  const inodes = shared.memfdInodes.length === 0 ? [] : [{ name: MEMFD_INODES, kind: 'MEMFD_INODE', entries: shared.memfdInodes.map((inode) => toEntry(inode, memfdInodeRules)) }];
  return [...inodes, ...shared.pages.map(({ shmid, pageMap }) => pageMapImage(shmemPagemapImage(shmid), pageMap))];
}
