/**
 * Unix sockets: type, state, name, peer, options and shutdown state from
 * sock_diag and the socket itself (through a copy of the fd); the messages
 * queued on them are read once every fd table is dumped (see
 * ./queued-messages.ts). Both ends of a connection must be in the dump; a
 * listener with connections not yet accepted, a name relative to the
 * binder's directory and a socket file deleted since are refused for now.
 */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import type { FileId, SocketShutdown, UnixSocket } from '../../model';
import { otherProtocolOptions, readSocketOptions } from '../../net/socket-options';
import { listUnixSockets, type UnixSocketFacts } from '../../net/unix-diag';
import { isAbstractName, socketFilePath } from '../../net/unix-name';
import { SOCK_DGRAM } from '../../sys/constants';
import { close } from '../../sys/fd';
import { copyFdFromProcess } from '../../sys/pidfd';
import { NO_OWNER, toOpenFlags, type FileSet } from '../file-set';
import type { FdKind, FdSubject } from './kind';
import { readQueueLater } from './queued-messages';

const TCP_ESTABLISHED = 1;
const TCP_LISTEN = 10;
const SHUTDOWN_NAMES: readonly SocketShutdown[] = ['NONE', 'READ', 'WRITE', 'BOTH'];

const socketInode = (link: string): number | undefined => {
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match === null ? undefined : Number(match[1]);
};

/** Every unix socket of the namespace, asked once per dump. */
const table = (files: FileSet): Map<number, UnixSocketFacts> => files.once('unix sockets', listUnixSockets);
/** Which fd stands for each dumped socket, by inode, for messages. */
const dumpedAt = (files: FileSet): Map<number, string> => files.once('dumped unix sockets', () => new Map<number, string>());

/** The socket file's owner and mode (CRIU's file_perms), checking that the name still leads to this socket. */
function socketFile(facts: UnixSocketFacts, where: string): { mode: number; uid: number; gid: number } | undefined {
  if (facts.name.length === 0 || isAbstractName(facts.name)) return undefined;
  const path = socketFilePath(facts.name);
  if (!path.startsWith('/')) throw new AmberError(`${where}: unix socket bound to the relative path ${path}, which amber does not dump yet`);
  const stat = fs.statSync(path, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isSocket() || stat.ino !== facts.fileInode) {
    throw new AmberError(`${where}: the socket file ${path} was deleted or replaced, which amber does not dump yet`);
  }
  return { mode: stat.mode, uid: stat.uid, gid: stat.gid };
}

function describe(subject: FdSubject, id: FileId, facts: UnixSocketFacts, where: string): UnixSocket {
  const copy = copyFdFromProcess(subject.pid, subject.fd);
  try {
    return {
      kind: 'unix-socket',
      id,
      inode: facts.inode,
      socketType: facts.type,
      state: facts.state,
      flags: toOpenFlags(subject.flags),
      owner: NO_OWNER,
      // What CRIU records: a listener's backlog, or the bytes the socket sent that its peer has not read.
      backlog: facts.sendQueue,
      peerInode: facts.peer,
      name: facts.name,
      criuFlags: 0,
      options: readSocketOptions(copy),
      shutdown: facts.shutdown === 0 ? undefined : SHUTDOWN_NAMES[facts.shutdown],
      filePermissions: socketFile(facts, where),
      unmodeled: { usk: { opts: otherProtocolOptions(copy) } },
    };
  } finally {
    close(copy);
  }
}

export const unixSockets: FdKind = {
  type: 'UNIXSK',
  matches: (subject) => {
    const inode = socketInode(subject.link);
    return inode !== undefined && table(subject.files).has(inode);
  },
  dump(subject: FdSubject, id: FileId): void {
    const where = `task ${subject.pid} fd ${subject.fd}`;
    const facts = table(subject.files).get(socketInode(subject.link) ?? -1);
    if (facts === undefined) throw new AmberError(`${where}: the unix socket vanished while being dumped`);
    // A connection not yet accepted has no inode of its own, so sock_diag names no peer for the socket that made it.
    // (A datagram socket counts as established whether or not it has a peer.)
    if (facts.type !== SOCK_DGRAM && facts.state === TCP_ESTABLISHED && facts.peer === undefined) {
      throw new AmberError(`${where}: unix socket connected to a connection its listener has not accepted yet, which amber does not dump yet`);
    }
    if (facts.state === TCP_LISTEN && (facts.pending.length > 0 || facts.receiveQueue > 0)) {
      throw new AmberError(`${where}: listening unix socket has ${Math.max(facts.pending.length, facts.receiveQueue)} connections not yet accepted, which amber does not dump yet`);
    }
    subject.files.add(describe(subject, id, facts, where));
    if (facts.state !== TCP_LISTEN) readQueueLater(subject.files, { socket: id, pid: subject.pid, fd: subject.fd, type: facts.type, queuedBytes: facts.receiveQueue, where });
    dumpedAt(subject.files).set(facts.inode, where);
  },
  checkComplete(files: FileSet): void {
    const dumped = dumpedAt(files);
    for (const [inode, where] of dumped) {
      const peer = table(files).get(inode)?.peer;
      if (peer !== undefined && !dumped.has(peer)) {
        throw new AmberError(`${where}: unix socket connected to socket:[${peer}] outside the dumped tree (--ext-unix-sk is not supported yet)`);
      }
    }
  },
};
