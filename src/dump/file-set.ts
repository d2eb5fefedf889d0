/**
 * The open file descriptions of a dump, each once: files.img entries with
 * their ids, and what they share (pipe and FIFO data, ghost files). Fds of
 * one description (dup'd, or inherited across fork) find it again through
 * a pre-id of inode, position and flags, confirmed with kcmp(2).
 */
import type * as fs from 'node:fs';
import { asFileId, OPEN_FLAG_BITS, type FileId, type FileLock, type FileRemap, type GhostFile, type OpenFile, type OpenFlags, type PipeContents, type QueuedPacket, type RegularFile } from '../model';
import { buildIdOfPath } from '../elf/build-id';
import { flags } from '../model/codecs';
import { KcmpType } from '../sys/constants';
import { kcmp } from '../sys/pidfd';
import type { Fd, Pid } from '../sys/types';
import { DEFAULT_GHOST_LIMIT } from './ghosts';

/** A description reached through an fd, to compare later fds against. */
interface SeenDescription {
  pid: Pid;
  fd: Fd;
  id: FileId;
}

const openFlags = flags(OPEN_FLAG_BITS);

/** open(2) flags as the model keeps them. */
export const toOpenFlags = (raw: number): OpenFlags => openFlags.read(raw);

/** Owner fields of a file nobody asked SIGIO for (F_SETOWN). */
export const NO_OWNER = { uid: 0, euid: 0, signal: 0, pidType: 0, pid: 0 };

/**
 * A path opened by the kernel for the task (executable, mapped file, cwd,
 * root) as a regular-file description; `contents` is a path amber can open
 * to read the file (a /proc link), for its build-id.
 */
export function pathFile(id: FileId, path: string, stat: fs.Stats, rawFlags: number, contents: string): RegularFile {
  return {
    kind: 'regular',
    id,
    path,
    flags: toOpenFlags(rawFlags),
    position: 0n,
    size: stat.isFile() ? BigInt(stat.size) : undefined,
    mode: stat.mode,
    owner: NO_OWNER,
    buildId: stat.isFile() ? buildIdOfPath(contents) : undefined,
  };
}

export class FileSet {
  readonly files = new Map<FileId, OpenFile>();
  readonly pipeContents: PipeContents[] = [];
  readonly socketQueues: QueuedPacket[] = [];
  readonly fifoContents: PipeContents[] = [];
  readonly remaps: FileRemap[] = [];
  readonly ghosts: GhostFile[] = [];
  readonly fileLocks: FileLock[] = [];
  /** Descriptions seen so far by pre-id: only those with an fd's pre-id can be its description. */
  private readonly seen = new Map<string, SeenDescription[]>();
  /** kcmp(2) calls made to tell descriptions apart, for the log. */
  kcmpCalls = 0;
  private readonly byKey = new Map<string, FileId>();
  private readonly pipesWithData = new Set<number>();
  private readonly lockKeys = new Set<string>();
  private readonly gathered = new Map<string, unknown>();

  private nextId = 1;

  /**
   * `ghostLimit`: the largest unlinked file whose contents the checkpoint
   * carries; `netNamespace`: the id of amber's own network namespace, the
   * one whose sockets sock_diag lists (sock_diag(7)), so the namespace of
   * every socket the dump finds there.
   */
  constructor(
    readonly ghostLimit = DEFAULT_GHOST_LIMIT,
    readonly netNamespace?: number,
  ) {}

  newId(): FileId {
    return asFileId(this.nextId++);
  }

  add(file: OpenFile): FileId {
    this.files.set(file.id, file);
    return file.id;
  }

  /** The description fd `fd` of `pid` points at, if an fd seen before points at it too. */
  sharedDescription(pid: Pid, fd: Fd, preId: string): FileId | undefined {
    const found = this.seen.get(preId)?.find((seen) => (seen.pid === pid && seen.fd === fd) || this.sameFile(seen, pid, fd));
    return found?.id;
  }

  private sameFile(seen: SeenDescription, pid: Pid, fd: Fd): boolean {
    this.kcmpCalls++;
    return kcmp(seen.pid, pid, KcmpType.File, seen.fd, fd) === 'equal';
  }

  remember(pid: Pid, fd: Fd, preId: string, id: FileId): void {
    const candidates = this.seen.get(preId);
    if (candidates === undefined) this.seen.set(preId, [{ pid, fd, id }]);
    else candidates.push({ pid, fd, id });
  }

  /** A description opened by path (not through an fd), once per key. */
  byPath(key: string, create: (id: FileId) => OpenFile): FileId {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const id = this.add(create(this.newId()));
    this.byKey.set(key, id);
    return id;
  }

  /** Facts a kind of fd gathers once per dump (the socket tables...), made by `gather` on first use. */
  once<T>(key: string, gather: () => T): T {
    if (!this.gathered.has(key)) this.gathered.set(key, gather());
    return this.gathered.get(key) as T;
  }

  /** Records a lock once, however many fds show it (`key` names it). */
  addLock(key: string, lock: FileLock): void {
    if (this.lockKeys.has(key)) return;
    this.lockKeys.add(key);
    this.fileLocks.push(lock);
  }

  /** Whether the data of pipe `pipe` still has to be read (the first time it is met). */
  claimPipeData(pipe: number): boolean {
    if (this.pipesWithData.has(pipe)) return false;
    this.pipesWithData.add(pipe);
    return true;
  }
}
