/**
 * Unix sockets: type, state, name, peer, options and shutdown state from
 * sock_diag and the socket itself (through a copy of the fd); the messages
 * queued on them are read once every fd table is dumped (see
 * ./queued-messages.ts). Both ends of a connection must be in the dump,
 * but for a datagram socket connected outside (./unix-outside-peer.ts); a
 * connection whose peer was closed has no other end. A connection its
 * listener has not accepted yet is written, as CRIU writes it, as a socket
 * connected to the listener, and is connected to it again on restore; so
 * every connecting socket must be in the dump (with --ext-unix-sk one
 * outside is left out) and have written nothing yet, since what waits in
 * the unaccepted end cannot be read without accept(2).
 * A name relative to the binder's directory and a socket file deleted since
 * are refused for now.
 */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import { logger } from '../../log/logger';
import type { FileId, SocketShutdown, UnixSocket } from '../../model';
import { otherProtocolOptions, readSocketOptions } from '../../net/socket-options';
import { listUnixSockets, TCP_LISTEN, type UnixSocketFacts } from '../../net/unix-diag';
import { isAbstractName, socketFilePath } from '../../net/unix-name';
import { close } from '../../sys/fd';
import { copyFdFromProcess } from '../../sys/pidfd';
import { NO_OWNER, toOpenFlags, type FileSet } from '../file-set';
import type { DumpOptions } from '../options';
import type { FdKind, FdSubject } from './kind';
import { readQueueLater } from './queued-messages';
import { dumpOutsidePeer } from './unix-outside-peer';

const log = logger('dump');
const SHUTDOWN_NAMES: readonly SocketShutdown[] = ['NONE', 'READ', 'WRITE', 'BOTH'];

const socketInode = (link: string): number | undefined => {
  const match = /^socket:\[(\d+)\]$/.exec(link);
  return match === null ? undefined : Number(match[1]);
};

/** Every unix socket of the namespace, asked once per dump. */
const table = (files: FileSet): Map<number, UnixSocketFacts> => files.once('unix sockets', listUnixSockets);
/** The listener of each socket whose connection it has not accepted yet, by the connecting socket's inode. */
const pendingAt = (files: FileSet): Map<number, UnixSocketFacts> =>
  files.once('unix sockets not accepted', () => new Map([...table(files).values()].flatMap((listener) => listener.pending.map((inode) => [inode, listener] as const))));
/** Each dumped socket by inode, with the fd that stands for it in messages. */
const dumpedAt = (files: FileSet): Map<number, { facts: UnixSocketFacts; where: string }> => files.once('dumped unix sockets', () => new Map());

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
      netNamespace: subject.files.netNamespace,
      unmodeled: { usk: { opts: otherProtocolOptions(copy) } },
    };
  } finally {
    close(copy);
  }
}

/**
 * A socket whose connection is still in its listener's queue has no peer
 * for sock_diag (the unaccepted end has no inode yet); it is recorded as
 * connected to the listener itself.
 */
function connectingFacts(files: FileSet, facts: UnixSocketFacts, where: string): UnixSocketFacts {
  const listener = pendingAt(files).get(facts.inode);
  if (listener === undefined) return facts;
  // What the socket sent and nobody read is charged to it (unix_outq_len, the diag's write queue).
  if (facts.sendQueue > 0) {
    throw new AmberError(`${where}: unix socket wrote data into its connection to socket:[${listener.inode}], which has not accepted it yet; it cannot be read back without accepting the connection`);
  }
  return { ...facts, peer: listener.inode };
}

/**
 * Every connection a dumped listener has not accepted yet must come from a
 * socket of the dump, to be made again; with --ext-unix-sk one from outside
 * is left out, and its client finds it reset once the restored tree runs.
 */
function checkPendingConnections(listener: UnixSocketFacts, where: string, dumped: ReadonlyMap<number, unknown>, outsideAllowed: boolean): void {
  for (const inode of listener.pending) {
    if (inode === 0) throw new AmberError(`${where}: listening unix socket has a connection not yet accepted whose connecting socket was closed, so what it sent cannot be known`);
    if (dumped.has(inode)) continue;
    const outside = `a connection not yet accepted from socket:[${inode}] outside the dumped tree`;
    if (!outsideAllowed) throw new AmberError(`${where}: listening unix socket has ${outside}; pass --ext-unix-sk to dump it without that connection`);
    log.warn(`${where}: listening unix socket has ${outside}, which the restored tree will not have`);
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
    const found = table(subject.files).get(socketInode(subject.link) ?? -1);
    if (found === undefined) throw new AmberError(`${where}: the unix socket vanished while being dumped`);
    const facts = connectingFacts(subject.files, found, where);
    subject.files.add(describe(subject, id, facts, where));
    if (facts.state !== TCP_LISTEN) readQueueLater(subject.files, { socket: id, pid: subject.pid, fd: subject.fd, type: facts.type, queuedBytes: facts.receiveQueue, where });
    dumpedAt(subject.files).set(facts.inode, { facts, where });
  },
  checkComplete(files: FileSet, options: DumpOptions): void {
    const dumped = dumpedAt(files);
    for (const { facts, where } of dumped.values()) {
      checkPendingConnections(facts, where, dumped, options.externalUnixSockets === true);
      const peer = facts.peer;
      if (peer !== undefined && !dumped.has(peer)) dumpOutsidePeer(files, facts, peer, table(files).get(peer), where, options.externalUnixSockets === true);
    }
  },
};
