/**
 * Unix sockets, made by amber. Both ends of a connection are made
 * together: an accepted connection by connecting to its listener and
 * accepting (so the accepted end carries the listener's name, as it did),
 * any other pair with socketpair(2); names are bound, listeners listen and
 * get their accepted connections first, then, in checkpoint order, the
 * connections that wait to be accepted (sockets recorded as connected to
 * the listener itself, as CRIU records them); a
 * datagram socket connected one way connects to its peer's name (also to
 * a socket outside the checkpoint, which must exist by then). A connection
 * whose peer was closed is one end of a pair whose other end is closed
 * once it has sent the data. The messages each socket had queued are sent
 * to it by its peer (or, for a datagram socket without a peer of the
 * checkpoint, from a socket of amber's to its name), with the files in
 * flight (SCM_RIGHTS, see ./in-flight.ts) and credentials that went with
 * them, and shutdown states are set again.
 */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import { fdsUsing, findFile, queuedPackets, type FileId, type QueuedPacket, type UnixSocket } from '../../model';
import { EXTERNAL_UNIX_SOCKET } from '../../model/files';
import { applySocketOptions } from '../../net/socket-options';
import { TCP_ESTABLISHED, TCP_LISTEN } from '../../net/unix-diag';
import { isAbstractName, printableName, socketFilePath } from '../../net/unix-name';
import { AF_UNIX, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_NONBLOCK } from '../../sys/constants';
import { isSyscallError } from '../../sys/native';
import { close } from '../../sys/fd';
import { accept4, bind, connect, listen, sendmsg, shutdown, sockaddrUnix, socket as openSocket, socketpair } from '../../sys/socket';
import type { Fd } from '../../sys/types';
import { openedInFlight } from './in-flight';
import type { OpenedFile } from './kinds';
import type { OpenContext } from './open-context';
import { setStatusFlags } from './regular';

const SHUTDOWN_HOW = { READ: 0, WRITE: 1, BOTH: 2 } as const;

const isNamed = (socket: UnixSocket): boolean => socket.name.length > 0;
const isPath = (socket: UnixSocket): boolean => isNamed(socket) && !isAbstractName(socket.name);
const isOutside = (socket: UnixSocket): boolean => (socket.criuFlags & EXTERNAL_UNIX_SOCKET) !== 0;
const describe = (socket: UnixSocket): string => `unix socket ${socket.inode}${isNamed(socket) ? ` (${printableName(socket.name)})` : ''}`;

function failure(socket: UnixSocket, what: string, e: unknown): AmberError {
  return new AmberError(`${describe(socket)}: ${what}: ${isSyscallError(e) ? e.code : String(e)}`);
}

/** What this restore made so far: sockets by inode, and the checkpoint's sockets by inode. */
interface Made {
  fds: Map<number, Fd>;
  byInode: Map<number, UnixSocket>;
}

const madeIn = (context: OpenContext): Made =>
  context.once('unix sockets', () => ({
    fds: new Map<number, Fd>(),
    byInode: new Map([...context.checkpoint.files.values()].flatMap((file) => (file.kind === 'unix-socket' ? [[file.inode, file] as const] : []))),
  }));

/** Binds the name; a socket file left by the dumped socket is replaced, anything else at that path is an error. */
function bindName(fd: Fd, socket: UnixSocket): void {
  if (!isNamed(socket)) return;
  const path = socketFilePath(socket.name);
  if (isPath(socket) && fs.statSync(path, { throwIfNoEntry: false })?.isSocket() === true) fs.unlinkSync(path);
  try {
    bind(fd, sockaddrUnix(socket.name));
  } catch (e) {
    throw failure(socket, 'cannot bind its name again', e);
  }
  const perms = socket.filePermissions;
  if (isPath(socket) && perms !== undefined) {
    fs.chmodSync(path, perms.mode & 0o7777);
    fs.chownSync(path, perms.uid, perms.gid);
  }
}

function register(context: OpenContext, socket: UnixSocket, fd: Fd): Fd {
  madeIn(context).fds.set(socket.inode, context.hold(fd));
  applySocketOptions(fd, socket.options, describe(socket));
  setStatusFlags(fd, socket.flags);
  return fd;
}

function newSocket(socket: UnixSocket): Fd {
  return openSocket(AF_UNIX, socket.socketType | SOCK_CLOEXEC);
}

/** The listener whose name an accepted socket carries, if `socket` is one. */
function listenerNamed(made: Made, socket: UnixSocket): UnixSocket | undefined {
  if (!isNamed(socket)) return undefined;
  return [...made.byInode.values()].find((other) => other.state === TCP_LISTEN && !isOutside(other) && other !== socket && other.name.equals(socket.name));
}

/** amber's fd of a file in `receiver`'s queue; a socket is made now if it was not (it may be `receiver` itself, made already). */
function fileInFlight(context: OpenContext, receiver: UnixSocket, id: FileId): Fd {
  const file = findFile(context.checkpoint, id);
  return file.kind === 'unix-socket' ? ensure(context, file) : openedInFlight(context, id, describe(receiver));
}

/** Sends one message with its files and, unless its sender had no pid there, its SCM_CREDENTIALS. */
function sendPacket(context: OpenContext, receiver: UnixSocket, packet: QueuedPacket, sender: Fd, address: Buffer | undefined): void {
  const fds = packet.filesInFlight.map((id) => fileInFlight(context, receiver, id));
  // pid 0 means the sender was gone or not visible from the dumper's pid namespace; the kernel takes no such pid.
  const creds = packet.sender?.pid === 0 ? undefined : packet.sender;
  if (creds !== undefined && !context.checkpoint.tasks.some((task) => task.pid === creds.pid)) {
    throw new AmberError(`${describe(receiver)}: a message in its queue was sent by pid ${creds.pid}, which is not in the checkpoint, so its credentials cannot be given again`);
  }
  try {
    sendmsg(sender, packet.data, { address, fds, creds });
  } catch (e) {
    throw failure(receiver, `cannot queue its unread data again${creds === undefined ? '' : ` as sent by pid ${creds.pid}`}`, e);
  }
}

/** Sends `receiver` the messages it had queued, through `sender` (connected to it, or to `address`). */
function refill(context: OpenContext, receiver: UnixSocket, sender: Fd, address?: Buffer): void {
  for (const packet of queuedPackets(context.checkpoint, receiver.id)) sendPacket(context, receiver, packet, sender, address);
}

/** Sends `receiver`, bound to its name, the messages it had queued from `sender`, or from a socket of amber's. */
function refillByName(context: OpenContext, receiver: UnixSocket, sender?: Fd): void {
  if (queuedPackets(context.checkpoint, receiver.id).length === 0) return;
  if (!isNamed(receiver)) throw new AmberError(`${describe(receiver)}: has unread data but no name to send it to`);
  const from = sender ?? newSocket(receiver);
  try {
    refill(context, receiver, from, sockaddrUnix(receiver.name));
  } finally {
    if (sender === undefined) close(from);
  }
}

function restoreShutdown(socket: UnixSocket, fd: Fd): void {
  if (socket.shutdown === undefined || socket.shutdown === 'NONE') return;
  shutdown(fd, SHUTDOWN_HOW[socket.shutdown]);
}

/**
 * The two ends of a connection, for `socket` and its `peer` (none when it
 * was closed): one accepted from the listener whose name it carries, else a socketpair.
 */
function connectedEnds(context: OpenContext, made: Made, socket: UnixSocket, peer: UnixSocket | undefined): [Fd, Fd] {
  const listener = listenerNamed(made, socket) ?? (peer === undefined ? undefined : listenerNamed(made, peer));
  if (listener === undefined) {
    const ends = socketpair(AF_UNIX, socket.socketType | SOCK_CLOEXEC);
    bindName(ends[0], socket);
    if (peer !== undefined) bindName(ends[1], peer);
    return ends;
  }
  const socketAccepted = listener.name.equals(socket.name);
  const client = socketAccepted ? peer : socket;
  const listening = ensure(context, listener);
  const connecting = newSocket(socket);
  if (client !== undefined) bindName(connecting, client);
  try {
    connect(connecting, sockaddrUnix(listener.name));
  } catch (e) {
    throw failure(client ?? socket, `cannot connect to ${describe(listener)} again`, e);
  }
  const acceptedFd = accept4(listening, SOCK_CLOEXEC);
  return socketAccepted ? [acceptedFd, connecting] : [connecting, acceptedFd];
}

function makePair(context: OpenContext, made: Made, socket: UnixSocket, peer: UnixSocket): void {
  const ends = connectedEnds(context, made, socket, peer);
  register(context, socket, ends[0]);
  register(context, peer, ends[1]);
  refill(context, socket, ends[1]);
  refill(context, peer, ends[0]);
  restoreShutdown(socket, ends[0]);
  restoreShutdown(peer, ends[1]);
}

/** A stream socket whose peer was closed: its other end sends the unread data and is closed, which shuts it down both ways as before. */
function makeWithClosedPeer(context: OpenContext, made: Made, socket: UnixSocket): void {
  const [fd, other] = connectedEnds(context, made, socket, undefined);
  register(context, socket, fd);
  try {
    refill(context, socket, other);
  } finally {
    close(other);
  }
}

/** A stream or seqpacket socket recorded as connected to a listener: its connection waits to be accepted. */
const waitsOn = (socket: UnixSocket, listener: UnixSocket): boolean =>
  listener.state === TCP_LISTEN && !isOutside(listener) && socket.socketType !== SOCK_DGRAM && socket.state === TCP_ESTABLISHED && socket.peerInode === listener.inode;

/** Connects `client` to `listener`, which keeps the connection queued; non-blocking, so a full backlog fails instead of waiting. */
function connectWaiting(context: OpenContext, client: UnixSocket, listener: UnixSocket): void {
  const fd = openSocket(AF_UNIX, client.socketType | SOCK_CLOEXEC | SOCK_NONBLOCK);
  bindName(fd, client);
  try {
    connect(fd, sockaddrUnix(listener.name));
  } catch (e) {
    close(fd);
    throw failure(client, `cannot queue its connection to ${describe(listener)} again`, e);
  }
  register(context, client, fd);
  restoreShutdown(client, fd);
}

/**
 * A listener's connections pass through its queue in order: the accepted
 * ones first, each accepted at once, then the ones still waiting, which
 * stay queued for the task to accept.
 */
function makeConnections(context: OpenContext, made: Made, listener: UnixSocket): void {
  const sockets = [...made.byInode.values()];
  for (const socket of sockets) {
    if (socket !== listener && socket.state === TCP_ESTABLISHED && listenerNamed(made, socket) === listener) ensure(context, socket);
  }
  for (const socket of sockets) if (waitsOn(socket, listener)) connectWaiting(context, socket, listener);
}

/** Connects a datagram socket to the name of a socket outside the checkpoint; an error names a task's fd for it. */
function connectOutside(context: OpenContext, socket: UnixSocket, fd: Fd, outside: UnixSocket): void {
  try {
    connect(fd, sockaddrUnix(outside.name));
  } catch (e) {
    const user = fdsUsing(context.checkpoint, socket.id)[0];
    const who = user === undefined ? describe(socket) : `task ${user.pid} fd ${user.fd}`;
    throw new AmberError(`${who}: cannot connect its unix socket to ${printableName(outside.name)} outside the checkpoint again: ${isSyscallError(e) ? e.code : String(e)}`);
  }
}

/** A socket with no peer, or a datagram socket connected one way to a bound peer, in the checkpoint or outside. */
function makeSingle(context: OpenContext, socket: UnixSocket, peer: UnixSocket | undefined): void {
  const fd = newSocket(socket);
  bindName(fd, socket);
  if (socket.state === TCP_LISTEN) listen(fd, socket.backlog);
  register(context, socket, fd);
  if (socket.state === TCP_LISTEN) makeConnections(context, madeIn(context), socket);
  if (peer !== undefined && !isOutside(peer)) {
    const peerFd = ensure(context, peer);
    try {
      connect(fd, sockaddrUnix(peer.name));
    } catch (e) {
      throw failure(socket, `cannot connect to ${describe(peer)} again`, e);
    }
    refillByName(context, socket, peerFd);
  } else {
    // Once connected, a datagram socket takes datagrams from its peer only (connect(2)), so its queue comes first.
    refillByName(context, socket);
    if (peer !== undefined) connectOutside(context, socket, fd, peer);
  }
  restoreShutdown(socket, fd);
}

const hasClosedPeer = (socket: UnixSocket): boolean => socket.socketType !== SOCK_DGRAM && socket.state === TCP_ESTABLISHED && socket.peerInode === undefined;

/** The socket of `socket.inode`, made (with its peer) if this restore has not made it yet. */
function ensure(context: OpenContext, socket: UnixSocket): Fd {
  const made = madeIn(context);
  const known = made.fds.get(socket.inode);
  if (known !== undefined) return known;
  const peer = socket.peerInode === undefined ? undefined : made.byInode.get(socket.peerInode);
  if (socket.peerInode !== undefined && peer === undefined) throw new AmberError(`${describe(socket)}: its peer socket:[${socket.peerInode}] is not in the checkpoint`);
  if (peer !== undefined && waitsOn(socket, peer)) {
    ensure(context, peer);
    const queued = made.fds.get(socket.inode);
    if (queued === undefined) throw new AmberError(`${describe(socket)}: its listener ${describe(peer)} was made without it`);
    return queued;
  }
  if (peer !== undefined && peer.peerInode === socket.inode) makePair(context, made, socket, peer);
  else if (hasClosedPeer(socket)) makeWithClosedPeer(context, made, socket);
  else makeSingle(context, socket, peer);
  return made.fds.get(socket.inode)!;
}

export function openUnixSocket(file: UnixSocket, context: OpenContext): OpenedFile {
  return { fd: ensure(context, file) };
}
