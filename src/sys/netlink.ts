/** Netlink requests over a socket(AF_NETLINK) bound by the caller (netlink(7)). */
import * as util from 'node:util';
import { MSG_TRUNC, NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_MULTI } from './constants';
import type { SyscallError } from './native';
import { recvmsg, sendmsg, sockaddrNetlink } from './socket';
import type { Fd } from './types';

const HEADER_SIZE = 16;
/** Large enough for any one datagram of a dump (the kernel fills up to about 32 KiB). */
const RECEIVE_SIZE = 64 * 1024;

export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  portId: number;
  payload: Buffer;
}

const align = (length: number): number => (length + 3) & ~3;

/** struct nlmsghdr followed by the payload. */
export function encodeNetlinkMessage(message: Omit<NetlinkMessage, 'portId'> & { portId?: number }): Buffer {
  const encoded = Buffer.alloc(align(HEADER_SIZE + message.payload.length));
  encoded.writeUInt32LE(HEADER_SIZE + message.payload.length, 0);
  encoded.writeUInt16LE(message.type, 4);
  encoded.writeUInt16LE(message.flags, 6);
  encoded.writeUInt32LE(message.seq, 8);
  encoded.writeUInt32LE(message.portId ?? 0, 12);
  message.payload.copy(encoded, HEADER_SIZE);
  return encoded;
}

/** Every message of one datagram. */
export function decodeNetlinkMessages(datagram: Buffer): NetlinkMessage[] {
  const messages: NetlinkMessage[] = [];
  for (let offset = 0; offset + HEADER_SIZE <= datagram.length; ) {
    const length = datagram.readUInt32LE(offset);
    if (length < HEADER_SIZE || offset + length > datagram.length) break;
    messages.push({
      type: datagram.readUInt16LE(offset + 4),
      flags: datagram.readUInt16LE(offset + 6),
      seq: datagram.readUInt32LE(offset + 8),
      portId: datagram.readUInt32LE(offset + 12),
      payload: datagram.subarray(offset + HEADER_SIZE, offset + length),
    });
    offset += align(length);
  }
  return messages;
}

function netlinkError(errno: number): SyscallError {
  const [code, description] = util.getSystemErrorMap().get(-errno) ?? [`E${errno}`, `error ${errno}`];
  return Object.assign(new Error(`netlink failed: ${description}`), { code, errno, syscall: 'netlink' });
}

/** The negative errno that NLMSG_ERROR (and an erroring NLMSG_DONE) carries first; 0 is an acknowledgement. */
const carriedError = (message: NetlinkMessage): number => (message.payload.length >= 4 ? -message.payload.readInt32LE(0) : 0);

/**
 * Sends one encoded request to the kernel and returns its replies, up to
 * NLMSG_DONE, the acknowledgement (with NLM_F_ACK), or the single reply of a
 * request that is not a dump. An NLMSG_ERROR with an error code throws an
 * Error with `code`, `errno` and `syscall: 'netlink'`.
 */
export function netlinkRequest(fd: Fd, request: Buffer): NetlinkMessage[] {
  const [sent] = decodeNetlinkMessages(request);
  const expectAck = (sent.flags & NLM_F_ACK) !== 0;
  sendmsg(fd, request, { address: sockaddrNetlink() });
  const replies: NetlinkMessage[] = [];
  for (;;) {
    const received = recvmsg(fd, RECEIVE_SIZE);
    if ((received.flags & MSG_TRUNC) !== 0) throw new Error(`netlink reply longer than ${RECEIVE_SIZE} bytes`);
    for (const message of decodeNetlinkMessages(received.data)) {
      if (message.seq !== sent.seq) continue;
      if (message.type === NLMSG_ERROR || message.type === NLMSG_DONE) {
        if (carriedError(message) !== 0) throw netlinkError(carriedError(message));
        return replies;
      }
      replies.push(message);
      if (!expectAck && (message.flags & NLM_F_MULTI) === 0) return replies;
    }
  }
}
