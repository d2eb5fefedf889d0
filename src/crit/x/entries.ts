/**
 * The fields of decoded image entries that the explorers read, named as in
 * the image schema. Entries come from the image reader as plain objects;
 * these views only say which fields are used and what they hold.
 */

/** 64-bit fields may arrive as a bigint when they exceed 2^53. */
export type Integer = number | bigint;
export type Pid = number;
export type FileId = number;

export interface PstreeEntry {
  pid: Pid;
  ppid: Pid;
  pgid: Pid;
  sid: Pid;
}

export interface CoreEntry {
  tc?: { comm?: string; task_state?: number };
}

export interface IdsEntry {
  files_id?: number;
}

export interface FdinfoEntry {
  fd: number;
  type: string | number;
  id: FileId;
}

export interface FsEntry {
  cwd_id: FileId;
  root_id: FileId;
}

export interface VmaEntry {
  start: Integer;
  end: Integer;
  pgoff: Integer;
  shmid: Integer;
  prot: number;
  flags: number;
  status: number;
}

export interface MmEntry {
  exe_file_id: FileId;
  vmas?: VmaEntry[];
}

export interface PagemapEntry {
  vaddr: Integer;
  nr_pages: number;
}

export interface FileEntry {
  id: FileId;
  reg?: { name?: string };
  pipe?: { pipe_id: number };
  usk?: { ino: number; peer: number; name?: string };
}

/** A 64-bit field as a bigint, for exact arithmetic whatever form the reader gave it. */
export function u64(value: Integer): bigint {
  return BigInt(value);
}
