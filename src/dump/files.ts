/**
 * A task's fd table (fdinfo-N.img): each fd with its close-on-exec flag and
 * the id of the open file description it points at. Descriptions are
 * described by the module of their kind; a kind no module takes is refused.
 */
import * as fs from 'node:fs';
import { AmberError, fsErrorName } from '../errors';
import { FD_FLAG_BITS, type FdEntry, type FdTable, type FileId } from '../model';
import { flags } from '../model/codecs';
import { readFdinfo } from '../proc/fdinfo';
import { O_CLOEXEC } from '../sys/constants';
import { asFd, asPid, type Fd, type Pid } from '../sys/types';
import { dumpFileLocks } from './file-locks';
import type { FileSet } from './file-set';
import { controllingTerminals } from './fds/controlling-tty';
import { epolls } from './fds/epoll';
import { eventfds } from './fds/eventfd';
import { fanotifies } from './fds/fanotify';
import { fifos } from './fds/fifo';
import { inotifies } from './fds/inotify';
import { fdPath, type FdKind, type FdSubject } from './fds/kind';
import { memfds } from './fds/memfd';
import { pipes } from './fds/pipe';
import { dumpQueuedMessages } from './fds/queued-messages';
import { regularFiles } from './fds/regular';
import { signalfds } from './fds/signalfd';
import { timerfds } from './fds/timerfd';
import { terminals } from './fds/tty';
import { unixSockets } from './fds/unix-socket';
import { describeUnsupported } from './fds/unsupported';
import type { DumpOptions } from './options';

/** Every kind of fd amber dumps; a new kind is one more module here. */
const FD_KINDS: readonly FdKind[] = [pipes, fifos, eventfds, timerfds, signalfds, epolls, inotifies, fanotifies, unixSockets, memfds, terminals, controllingTerminals, regularFiles];

const fdFlags = flags(FD_FLAG_BITS);

function openFds(pid: Pid): Fd[] {
  return fs
    .readdirSync(`/proc/${pid}/fd`)
    .map((name) => asFd(Number(name)))
    .sort((a, b) => a - b);
}

function subjectOf(pid: Pid, fd: Fd, files: FileSet): { subject: FdSubject; closeOnExec: boolean } {
  const where = `task ${pid} fd ${fd}`;
  try {
    const link = fs.readlinkSync(fdPath({ pid, fd }));
    const info = readFdinfo(pid, fd);
    const subject = { pid, fd, link, stat: fs.statSync(fdPath({ pid, fd })), flags: info.flags & ~O_CLOEXEC, position: info.pos, info, files };
    return { subject, closeOnExec: (info.flags & O_CLOEXEC) !== 0 };
  } catch (e) {
    if (e instanceof AmberError) throw e;
    throw new AmberError(`${where}: cannot inspect it: ${fsErrorName(e)}`);
  }
}

/** The description `subject` points at: one met before (kcmp says), or a new one its kind describes. */
function describeFd(subject: FdSubject): { id: FileId; kind: FdKind } {
  const { pid, fd, files } = subject;
  const kind = FD_KINDS.find((candidate) => candidate.matches(subject));
  if (kind === undefined) throw new AmberError(`task ${pid} fd ${fd}: ${describeUnsupported(subject)} is not supported yet`);
  // The same inode, position and flags are likely one description; kcmp says for sure.
  const preId = `${subject.stat.dev}:${subject.stat.ino}:${subject.position}:${subject.flags}`;
  let id: FileId | undefined = files.sharedDescription(pid, fd, preId);
  if (id === undefined) {
    id = files.newId();
    kind.dump(subject, id);
    files.remember(pid, fd, preId, id);
  }
  return { id, kind };
}

function dumpFd(pid: Pid, fd: Fd, files: FileSet, fileLocks: boolean): FdEntry {
  const { subject, closeOnExec } = subjectOf(pid, fd, files);
  const { id, kind } = describeFd(subject);
  dumpFileLocks(subject, id, fileLocks);
  return { fd, file: id, type: kind.type, flags: fdFlags.read(closeOnExec ? FD_FLAG_BITS.closeOnExec : 0) };
}

/** The fd table `tableId` as task `pid` sees it, adding its descriptions (and, if `fileLocks`, their locks) to `files`. */
export function dumpFdTable(pid: Pid, tableId: number, files: FileSet, fileLocks: boolean): FdTable {
  return { id: tableId, fds: openFds(pid).map((fd) => dumpFd(pid, fd, files, fileLocks)) };
}

/** Once every fd table is dumped: socket queues are read (with the files in flight on them), then each kind completes or refuses what only the whole dump shows. */
export function checkDumpedFiles(files: FileSet, options: DumpOptions): void {
  dumpQueuedMessages(files, (fd) => describeFd(subjectOf(asPid(process.pid), fd, files).subject).id);
  for (const kind of FD_KINDS) kind.checkComplete?.(files, options);
}
