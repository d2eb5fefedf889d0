/**
 * The data queued on a socket for its owner to read, copied without
 * taking it: a stream socket's bytes in one MSG_PEEK, datagrams one by one
 * with the socket's peek offset (SO_PEEK_OFF, socket(7)), which is put
 * back afterwards. Fds in flight (SCM_RIGHTS) are refused for now.
 */
import { AmberError } from '../../errors';
import { MSG_CTRUNC, MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC, SOCK_STREAM, SOL_SOCKET } from '../../sys/constants';
import { isSyscallError } from '../../sys/native';
import { getsockoptInt, recvmsg, setsockoptInt } from '../../sys/socket';
import type { Fd } from '../../sys/types';

const SO_PEEK_OFF = 42;
/** Larger than any datagram a socket with default buffers can hold. */
const LARGEST_DATAGRAM = 4 * 1024 * 1024;

/** One MSG_PEEK, or null when nothing (more) is queued. */
function peek(fd: Fd, size: number, where: string): Buffer | null {
  let received;
  try {
    received = recvmsg(fd, size, { flags: MSG_PEEK | MSG_DONTWAIT });
  } catch (e) {
    if (isSyscallError(e, 'EAGAIN')) return null;
    throw e;
  }
  if ((received.flags & MSG_CTRUNC) !== 0) throw new AmberError(`${where}: has fds in flight (SCM_RIGHTS), which amber does not dump yet`);
  if ((received.flags & MSG_TRUNC) !== 0) throw new AmberError(`${where}: holds a datagram larger than ${size} bytes`);
  return received.data;
}

function peekDatagrams(fd: Fd, where: string): Buffer[] {
  const offset = getsockoptInt(fd, SOL_SOCKET, SO_PEEK_OFF);
  setsockoptInt(fd, SOL_SOCKET, SO_PEEK_OFF, 0);
  try {
    const datagrams: Buffer[] = [];
    for (let datagram = peek(fd, LARGEST_DATAGRAM, where); datagram !== null; datagram = peek(fd, LARGEST_DATAGRAM, where)) datagrams.push(datagram);
    return datagrams;
  } finally {
    setsockoptInt(fd, SOL_SOCKET, SO_PEEK_OFF, offset);
  }
}

/**
 * The packets queued on `fd` (amber's copy of the socket) in order; for a
 * stream socket, `queuedBytes` (from sock_diag) says how much to expect.
 */
export function peekQueue(fd: Fd, type: number, queuedBytes: number, where: string): Buffer[] {
  if (type !== SOCK_STREAM) return peekDatagrams(fd, where);
  if (queuedBytes === 0) return [];
  const bytes = peek(fd, queuedBytes, where);
  if (bytes === null || bytes.length !== queuedBytes) throw new AmberError(`${where}: ${queuedBytes} bytes are queued but ${bytes?.length ?? 0} could be read`);
  return [bytes];
}
