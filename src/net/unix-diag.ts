/**
 * The unix sockets of amber's network namespace as sock_diag describes
 * them (sock_diag(7), linux/unix_diag.h): type, state, bound name, peer,
 * connections waiting to be accepted, queue lengths and shutdown state.
 */
import { AF_NETLINK, AF_UNIX, NETLINK_SOCK_DIAG, NLM_F_DUMP, NLM_F_REQUEST, SOCK_CLOEXEC, SOCK_DIAG_BY_FAMILY, SOCK_RAW } from '../sys/constants';
import { close } from '../sys/fd';
import { encodeNetlinkMessage, netlinkRequest } from '../sys/netlink';
import { bind, sockaddrNetlink, socket } from '../sys/socket';

/** The TCP-style states sock_diag gives connected and listening unix sockets. */
export const TCP_ESTABLISHED = 1;
export const TCP_LISTEN = 10;

export interface UnixSocketFacts {
  inode: number;
  /** SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET. */
  type: number;
  /** TCP_ESTABLISHED (1), TCP_CLOSE (7) or TCP_LISTEN (10). */
  state: number;
  /** sun_path bytes (a leading NUL for an abstract name); empty when unbound. */
  name: Buffer;
  /** The inode of the socket file a path name made, when there is one. */
  fileInode: number | undefined;
  /**
   * The peer's inode; also undefined when the peer has none: a connection
   * its listener has not accepted yet, or a peer closed since (the kernel
   * keeps pointing at the released socket, whose inode reads as 0).
   */
  peer: number | undefined;
  /** Sockets connected to a listener and not yet accepted. */
  pending: number[];
  /** Listener: connections waiting; others: bytes queued to read. */
  receiveQueue: number;
  /** Listener: its backlog; others: bytes sent and not yet read by the peer. */
  sendQueue: number;
  /** RCV_SHUTDOWN (1) and SEND_SHUTDOWN (2) bits. */
  shutdown: number;
}

const UDIAG_SHOW_NAME = 0x01;
const UDIAG_SHOW_VFS = 0x02;
const UDIAG_SHOW_PEER = 0x04;
const UDIAG_SHOW_ICONS = 0x08;
const UDIAG_SHOW_RQLEN = 0x10;
const UNIX_DIAG_NAME = 0;
const UNIX_DIAG_VFS = 1;
const UNIX_DIAG_PEER = 2;
const UNIX_DIAG_ICONS = 3;
const UNIX_DIAG_RQLEN = 4;
const UNIX_DIAG_SHUTDOWN = 6;
const ALL_STATES = 0xffff_ffff;
/** struct unix_diag_msg: family, type, state, pad, ino, cookie[2]. */
const MESSAGE_SIZE = 16;

function request(): Buffer {
  const body = Buffer.alloc(24);
  body.writeUInt8(AF_UNIX, 0);
  body.writeUInt32LE(ALL_STATES, 4);
  body.writeUInt32LE(UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN, 12);
  return encodeNetlinkMessage({ type: SOCK_DIAG_BY_FAMILY, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 1, payload: body });
}

/** Each struct rtattr after the fixed message: its type and payload. */
function* attributes(payload: Buffer): Generator<[type: number, data: Buffer]> {
  for (let offset = MESSAGE_SIZE; offset + 4 <= payload.length; ) {
    const length = payload.readUInt16LE(offset);
    if (length < 4 || offset + length > payload.length) return;
    yield [payload.readUInt16LE(offset + 2), payload.subarray(offset + 4, offset + length)];
    offset += (length + 3) & ~3;
  }
}

function parseSocket(payload: Buffer): UnixSocketFacts {
  const facts: UnixSocketFacts = {
    type: payload.readUInt8(1),
    state: payload.readUInt8(2),
    inode: payload.readUInt32LE(4),
    name: Buffer.alloc(0),
    fileInode: undefined,
    peer: undefined,
    pending: [],
    receiveQueue: 0,
    sendQueue: 0,
    shutdown: 0,
  };
  for (const [type, data] of attributes(payload)) {
    if (type === UNIX_DIAG_NAME) facts.name = Buffer.from(data);
    else if (type === UNIX_DIAG_VFS) facts.fileInode = data.readUInt32LE(0);
    else if (type === UNIX_DIAG_PEER) facts.peer = data.readUInt32LE(0) || undefined;
    else if (type === UNIX_DIAG_ICONS) facts.pending = Array.from({ length: data.length / 4 }, (_, i) => data.readUInt32LE(4 * i));
    else if (type === UNIX_DIAG_RQLEN) [facts.receiveQueue, facts.sendQueue] = [data.readUInt32LE(0), data.readUInt32LE(4)];
    else if (type === UNIX_DIAG_SHUTDOWN) facts.shutdown = data.readUInt8(0);
  }
  return facts;
}

/** Every unix socket of the namespace, by inode. */
export function listUnixSockets(): Map<number, UnixSocketFacts> {
  const fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  try {
    bind(fd, sockaddrNetlink());
    const sockets = netlinkRequest(fd, request()).map((message) => parseSocket(message.payload));
    return new Map(sockets.map((facts) => [facts.inode, facts]));
  } finally {
    close(fd);
  }
}
