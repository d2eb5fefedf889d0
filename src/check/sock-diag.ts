/** One sock_diag dump request (sock_diag(7)), asked only to see whether the kernel answers it. */
import { getSystemErrorName } from 'node:util';
import {
  AF_NETLINK,
  AF_PACKET,
  AF_UNIX,
  MSG_DONTWAIT,
  NETLINK_SOCK_DIAG,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  SOCK_CLOEXEC,
  SOCK_DIAG_BY_FAMILY,
  SOCK_RAW,
} from '../sys/constants';
import { native } from '../sys/native';
import { absent, present, type ProbeOutcome } from './feature';

const NDIAG_PROTO_ALL = 255;
/** Every TCP state bit (idiag_states / udiag_states). */
const ALL_STATES = 0xffffffff;

/** struct unix_diag_req: family, protocol, pad, states, ino, show, cookie[2]. */
export function unixRequest(): Buffer {
  const req = Buffer.alloc(24);
  req.writeUInt8(AF_UNIX, 0);
  req.writeUInt32LE(ALL_STATES, 4);
  return req;
}

/** struct inet_diag_req_v2: family, protocol, ext, pad, states, then a zeroed inet_diag_sockid (48 bytes). */
export function inetRequest(family: number, protocol: number): Buffer {
  const req = Buffer.alloc(56);
  req.writeUInt8(family, 0);
  req.writeUInt8(protocol, 1);
  req.writeUInt32LE(ALL_STATES, 4);
  return req;
}

/** struct packet_diag_req: family, protocol, pad, ino, show, cookie[2]. */
export function packetRequest(): Buffer {
  const req = Buffer.alloc(20);
  req.writeUInt8(AF_PACKET, 0);
  return req;
}

/** struct netlink_diag_req: family, protocol (all), pad, ino, show, cookie[2]. */
export function netlinkRequest(): Buffer {
  const req = Buffer.alloc(20);
  req.writeUInt8(AF_NETLINK, 0);
  req.writeUInt8(NDIAG_PROTO_ALL, 1);
  return req;
}

/**
 * Sends a dump request and reads the first reply: sockets or an empty
 * dump mean the kernel can describe that family; an error (ENOENT when
 * the *_diag module is missing) means it cannot.
 */
export function sockDiagAnswers(request: Buffer): ProbeOutcome {
  const fd = native().socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  try {
    const header = Buffer.alloc(NLMSG_HDRLEN);
    header.writeUInt32LE(NLMSG_HDRLEN + request.length, 0);
    header.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
    header.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
    header.writeUInt32LE(1, 8);
    native().sendmsg(fd, Buffer.concat([header, request]), [], null, null, 0);
    // The kernel fills the first part of a dump while handling sendmsg, so it is there to read.
    const reply = native().recvmsg(fd, 64 * 1024, 0, MSG_DONTWAIT).data;
    const type = reply.readUInt16LE(4);
    if (type === SOCK_DIAG_BY_FAMILY) return present();
    if (type !== NLMSG_ERROR && type !== NLMSG_DONE) return absent(`unexpected netlink message type ${type}`);
    // Both carry an int: a negative errno, or 0. A dump whose protocol handler is missing ends in NLMSG_DONE(-ENOENT).
    const status = reply.length >= NLMSG_HDRLEN + 4 ? reply.readInt32LE(NLMSG_HDRLEN) : 0;
    return status < 0 ? absent(getSystemErrorName(status)) : present();
  } finally {
    native().close(fd);
  }
}
