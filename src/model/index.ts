/** amber's typed model of a checkpoint, and its reading from and writing to image directories. */
export type { Checkpoint, Inventory } from './checkpoint';
export type { Flags } from './codecs';
export type { CpuState, FpuState, GpRegs, TlsDescriptor, XsaveState } from './cpu';
export type { Entry, Modeled } from './fields';
export {
  OPEN_FLAG_BITS,
  type BuildId,
  type Epoll,
  type EpollTarget,
  type EventFd,
  type FifoEnd,
  type FileHandle,
  type FileOwner,
  type Inotify,
  type InotifyWatch,
  type OpenFile,
  type OpenFlags,
  type OtherFile,
  type PipeEnd,
  type RegularFile,
  type SignalFd,
  type SocketOptions,
  type SocketShutdown,
  type TimerFd,
  type UnixSocket,
} from './files';
export type { FileLock, FileLockAccess, FileLockKind } from './file-locks';
export * from './ids';
export * from './lookup';
export { MAPPING_BITS, PROTECTION_BITS, VMA_KIND_BITS, type AuxvEntry, type MappingFlags, type Memory, type Protection, type Vma, type VmaKind } from './memory';
export { PAGE_RANGE_BITS, isStoredHere, pageCount, pageLocations, storedPageCount, type PageLocation, type PageMap, type PageRange, type PageRangeFlags } from './pagemap';
export type { IntervalTimer, PosixTimer, Process, QueuedSignal, ResourceLimit, SignalAction, TaskState, Timers } from './process';
export type { SeccompFilter, SeccompFilters, TimeNamespace } from './namespaces';
export { readCheckpoint } from './read';
export type { FileRemap, GhostFile, MessageSender, PipeContents, QueuedPacket } from './shared';
export { memfdFileEntry, memfdFileOf, SEAL_BITS, type MemfdFile, type MemfdInode, type SharedMemory, type ShmemPages } from './shared-memory';
export { FD_FLAG_BITS, isZombie, threadIdOf, type FdEntry, type FdTable, type FsState, type Task, type TaskIds } from './task';
export { readTaskMemory } from './task-memory';
export type { Credentials, RseqRegistration, SignalStack, Thread, ThreadCore } from './thread';
export type { TimeSpec, TimeValue } from './time';
export { writeCheckpoint } from './write';
