/**
 * The messages queued on a socket for its owner to read, copied without
 * taking them: peeking reads that walk the queue with the socket's peek
 * offset (SO_PEEK_OFF, socket(7)), which is put back afterwards. Each peek
 * also hands amber copies of the fds sent with the message (SCM_RIGHTS)
 * and, if the socket asks for them (SO_PASSCRED), the sender's credentials.
 */
import { AmberError } from '../../errors';
import { MSG_CMSG_CLOEXEC, MSG_CTRUNC, MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC, SOCK_STREAM, SOL_SOCKET } from '../../sys/constants';
import { close } from '../../sys/fd';
import { isSyscallError } from '../../sys/native';
import { getsockoptInt, recvmsg, setsockoptInt, type Credentials } from '../../sys/socket';
import type { Fd } from '../../sys/types';

const SO_PEEK_OFF = 42;
/** Larger than any datagram a socket with default buffers can hold. */
const LARGEST_DATAGRAM = 4 * 1024 * 1024;
/** SCM_MAX_FD: the most fds one message carries (unix(7)). */
const MOST_FDS_PER_MESSAGE = 253;

export interface PeekedMessage {
  data: Buffer;
  /** Copies of the files in flight with the message, open in amber (whoever takes the message closes them). */
  fds: Fd[];
  /** SCM_CREDENTIALS, given when the socket has SO_PASSCRED. */
  sender: Credentials | undefined;
}

const closeFds = (messages: readonly PeekedMessage[]): void => messages.forEach((message) => message.fds.forEach((fd) => close(fd)));

/** One peek at the next message, or null when nothing (more) is queued. */
function peek(fd: Fd, size: number, where: string): PeekedMessage | null {
  let received;
  try {
    received = recvmsg(fd, size, { maxFds: MOST_FDS_PER_MESSAGE, flags: MSG_PEEK | MSG_DONTWAIT | MSG_CMSG_CLOEXEC });
  } catch (e) {
    if (isSyscallError(e, 'EAGAIN')) return null;
    throw e;
  }
  const message = { data: received.data, fds: received.fds, sender: received.creds ?? undefined };
  const problem = unreadable(received.flags, size);
  if (problem === undefined) return message;
  closeFds([message]);
  throw new AmberError(`${where}: holds ${problem}, which amber does not dump`);
}

/** What a peek could not take whole, by its msg_flags. */
function unreadable(flags: number, size: number): string | undefined {
  if ((flags & MSG_CTRUNC) !== 0) return 'a message with ancillary data other than fds and credentials (SO_PASSPIDFD, SO_PASSSEC)';
  if ((flags & MSG_TRUNC) !== 0) return `a datagram larger than ${size} bytes`;
  return undefined;
}

/** The messages `peekEach` adds to the list; if it fails, the fds peeked so far are closed. */
function collect(peekEach: (messages: PeekedMessage[]) => void): PeekedMessage[] {
  const messages: PeekedMessage[] = [];
  try {
    peekEach(messages);
    return messages;
  } catch (e) {
    closeFds(messages);
    throw e;
  }
}

function peekDatagrams(fd: Fd, where: string): PeekedMessage[] {
  return collect((messages) => {
    for (let message = peek(fd, LARGEST_DATAGRAM, where); message !== null; message = peek(fd, LARGEST_DATAGRAM, where)) messages.push(message);
  });
}

/** A stream peek stops after the bytes that carry fds (unix_stream_read_generic), so the queue may take several. */
function peekStream(fd: Fd, queuedBytes: number, where: string): PeekedMessage[] {
  return collect((messages) => {
    for (let read = 0; read < queuedBytes; ) {
      const message = peek(fd, queuedBytes - read, where);
      if (message === null || message.data.length === 0) throw new AmberError(`${where}: ${queuedBytes} bytes are queued but ${read} could be read`);
      messages.push(message);
      read += message.data.length;
    }
  });
}

/**
 * The messages queued on `fd` (amber's copy of the socket) in order; for a
 * stream socket, `queuedBytes` (from sock_diag) says how much to expect.
 */
export function peekQueue(fd: Fd, type: number, queuedBytes: number, where: string): PeekedMessage[] {
  if (type === SOCK_STREAM && queuedBytes === 0) return [];
  const offset = getsockoptInt(fd, SOL_SOCKET, SO_PEEK_OFF);
  setsockoptInt(fd, SOL_SOCKET, SO_PEEK_OFF, 0);
  try {
    return type === SOCK_STREAM ? peekStream(fd, queuedBytes, where) : peekDatagrams(fd, where);
  } finally {
    setsockoptInt(fd, SOL_SOCKET, SO_PEEK_OFF, offset);
  }
}
