/**
 * Unix sockets, made by amber. Both ends of a connection are made
 * together: an accepted connection by connecting to its listener and
 * accepting (so the accepted end carries the listener's name, as it did),
 * any other pair with socketpair(2); names are bound, listeners listen, a
 * datagram socket connected one way connects to its peer's name. Then the
 * messages each socket had queued are sent to it by its peer (or, for an
 * unconnected datagram socket, from a socket of amber's to its name), with
 * the files in flight (SCM_RIGHTS, see ./in-flight.ts) and credentials
 * that went with them, and shutdown states are set again.
 */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import { findFile, queuedPackets, type FileId, type QueuedPacket, type UnixSocket } from '../../model';
import { applySocketOptions } from '../../net/socket-options';
import { isAbstractName, printableName, socketFilePath } from '../../net/unix-name';
import { AF_UNIX, SOCK_CLOEXEC } from '../../sys/constants';
import { isSyscallError } from '../../sys/native';
import { close } from '../../sys/fd';
import { accept4, bind, connect, listen, sendmsg, shutdown, sockaddrUnix, socket as openSocket, socketpair } from '../../sys/socket';
import type { Fd } from '../../sys/types';
import { openedInFlight } from './in-flight';
import type { OpenedFile } from './kinds';
import type { OpenContext } from './open-context';
import { setStatusFlags } from './regular';

const TCP_LISTEN = 10;
const SHUTDOWN_HOW = { READ: 0, WRITE: 1, BOTH: 2 } as const;

const isNamed = (socket: UnixSocket): boolean => socket.name.length > 0;
const isPath = (socket: UnixSocket): boolean => isNamed(socket) && !isAbstractName(socket.name);
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
  return [...made.byInode.values()].find((other) => other.state === TCP_LISTEN && other !== socket && other.name.equals(socket.name));
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

function restoreShutdown(socket: UnixSocket, fd: Fd): void {
  if (socket.shutdown === undefined || socket.shutdown === 'NONE') return;
  shutdown(fd, SHUTDOWN_HOW[socket.shutdown]);
}

function makePair(context: OpenContext, made: Made, socket: UnixSocket, peer: UnixSocket): void {
  const listener = listenerNamed(made, socket) ?? listenerNamed(made, peer);
  let ends: [Fd, Fd];
  if (listener !== undefined) {
    const [accepted, client] = listener.name.equals(socket.name) ? [socket, peer] : [peer, socket];
    const listening = ensure(context, listener);
    const connecting = newSocket(client);
    bindName(connecting, client);
    try {
      connect(connecting, sockaddrUnix(listener.name));
    } catch (e) {
      throw failure(client, `cannot connect to ${describe(listener)} again`, e);
    }
    const acceptedFd = accept4(listening, SOCK_CLOEXEC);
    ends = accepted === socket ? [acceptedFd, connecting] : [connecting, acceptedFd];
  } else {
    ends = socketpair(AF_UNIX, socket.socketType | SOCK_CLOEXEC);
    bindName(ends[0], socket);
    bindName(ends[1], peer);
  }
  register(context, socket, ends[0]);
  register(context, peer, ends[1]);
  refill(context, socket, ends[1]);
  refill(context, peer, ends[0]);
  restoreShutdown(socket, ends[0]);
  restoreShutdown(peer, ends[1]);
}

/** A socket with no peer, or a datagram socket connected one way to a bound peer. */
function makeSingle(context: OpenContext, socket: UnixSocket, peer: UnixSocket | undefined): void {
  const fd = newSocket(socket);
  bindName(fd, socket);
  if (socket.state === TCP_LISTEN) listen(fd, socket.backlog);
  register(context, socket, fd);
  if (peer !== undefined) {
    const peerFd = ensure(context, peer);
    try {
      connect(fd, sockaddrUnix(peer.name));
    } catch (e) {
      throw failure(socket, `cannot connect to ${describe(peer)} again`, e);
    }
    if (queuedPackets(context.checkpoint, socket.id).length > 0) {
      if (!isNamed(socket)) throw new AmberError(`${describe(socket)}: has unread data but no name to send it to`);
      refill(context, socket, peerFd, sockaddrUnix(socket.name));
    }
  } else if (queuedPackets(context.checkpoint, socket.id).length > 0) {
    if (!isNamed(socket)) throw new AmberError(`${describe(socket)}: has unread data but no name to send it to`);
    const sender = newSocket(socket);
    try {
      refill(context, socket, sender, sockaddrUnix(socket.name));
    } finally {
      close(sender);
    }
  }
  restoreShutdown(socket, fd);
}

/** The socket of `socket.inode`, made (with its peer) if this restore has not made it yet. */
function ensure(context: OpenContext, socket: UnixSocket): Fd {
  const made = madeIn(context);
  const known = made.fds.get(socket.inode);
  if (known !== undefined) return known;
  const peer = socket.peerInode === undefined ? undefined : made.byInode.get(socket.peerInode);
  if (socket.peerInode !== undefined && peer === undefined) throw new AmberError(`${describe(socket)}: its peer socket:[${socket.peerInode}] is not in the checkpoint`);
  if (peer !== undefined && peer.peerInode === socket.inode) makePair(context, made, socket, peer);
  else makeSingle(context, socket, peer);
  return made.fds.get(socket.inode)!;
}

export function openUnixSocket(file: UnixSocket, context: OpenContext): OpenedFile {
  return { fd: ensure(context, file) };
}
