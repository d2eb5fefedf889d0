/** Socket options as the images keep them (SOL_SOCKET level, socket(7)), read from and set on a socket amber holds. */
import { AmberError } from '../errors';
import type { SocketOptions, TimeValue } from '../model';
import { SOL_SOCKET } from '../sys/constants';
import { isSyscallError } from '../sys/native';
import { getsockopt, getsockoptInt, setsockopt, setsockoptInt } from '../sys/socket';
import type { Fd } from '../sys/types';

const SO_SNDBUF = 7;
const SO_RCVBUF = 8;
const SO_PRIORITY = 12;
const SO_PASSCRED = 16;
const SO_RCVLOWAT = 18;
const SO_RCVTIMEO = 20;
const SO_SNDTIMEO = 21;
const SO_SNDBUFFORCE = 32;
const SO_RCVBUFFORCE = 33;
const SO_PASSSEC = 34;
const TIMEVAL_SIZE = 16;

/** Options of other protocols that CRIU's images list for every socket, by image field name. */
const LISTED_ELSEWHERE: readonly [field: string, option: number][] = [
  ['reuseaddr', 2],
  ['so_dontroute', 5],
  ['so_broadcast', 6],
  ['so_keepalive', 9],
  ['so_no_check', 11],
  ['so_reuseport', 15],
];
const SO_OOBINLINE = 10;
const SO_BUF_LOCK = 72;

function readTimeout(fd: Fd, option: number): TimeValue {
  const value = getsockopt(fd, SOL_SOCKET, option, TIMEVAL_SIZE);
  return { seconds: value.readBigInt64LE(0), microseconds: value.readBigInt64LE(8) };
}

function writeTimeout(fd: Fd, option: number, time: TimeValue): void {
  const value = Buffer.alloc(TIMEVAL_SIZE);
  value.writeBigInt64LE(time.seconds, 0);
  value.writeBigInt64LE(time.microseconds, 8);
  setsockopt(fd, SOL_SOCKET, option, value);
}

export function readSocketOptions(fd: Fd): SocketOptions {
  const flag = (option: number): boolean => getsockoptInt(fd, SOL_SOCKET, option) !== 0;
  return {
    sendBuffer: getsockoptInt(fd, SOL_SOCKET, SO_SNDBUF),
    receiveBuffer: getsockoptInt(fd, SOL_SOCKET, SO_RCVBUF),
    sendTimeout: readTimeout(fd, SO_SNDTIMEO),
    receiveTimeout: readTimeout(fd, SO_RCVTIMEO),
    passCredentials: flag(SO_PASSCRED),
    passSecurity: flag(SO_PASSSEC),
    priority: getsockoptInt(fd, SOL_SOCKET, SO_PRIORITY),
    receiveLowWatermark: getsockoptInt(fd, SOL_SOCKET, SO_RCVLOWAT),
  };
}

/** The options of other protocols, for the image to list them as CRIU does; they mean nothing to this socket. */
export function otherProtocolOptions(fd: Fd): Record<string, boolean | number> {
  const listed: Record<string, boolean | number> = {};
  for (const [field, option] of LISTED_ELSEWHERE) listed[field] = getsockoptInt(fd, SOL_SOCKET, option) !== 0;
  listed.so_oobinline = getsockoptInt(fd, SOL_SOCKET, SO_OOBINLINE);
  try {
    listed.so_buf_lock = getsockoptInt(fd, SOL_SOCKET, SO_BUF_LOCK);
  } catch (e) {
    // SO_BUF_LOCK came in Linux 5.14.
    if (!isSyscallError(e, 'ENOPROTOOPT')) throw e;
  }
  return listed;
}

/** Sets what the image recorded; buffer sizes as the kernel reported them, which is twice what was asked (socket(7)). */
export function applySocketOptions(fd: Fd, options: SocketOptions, who: string): void {
  try {
    setsockoptInt(fd, SOL_SOCKET, SO_SNDBUFFORCE, Math.floor(options.sendBuffer / 2));
    setsockoptInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, Math.floor(options.receiveBuffer / 2));
    writeTimeout(fd, SO_SNDTIMEO, options.sendTimeout);
    writeTimeout(fd, SO_RCVTIMEO, options.receiveTimeout);
    if (options.passCredentials !== undefined) setsockoptInt(fd, SOL_SOCKET, SO_PASSCRED, Number(options.passCredentials));
    if (options.passSecurity !== undefined) setsockoptInt(fd, SOL_SOCKET, SO_PASSSEC, Number(options.passSecurity));
    if (options.priority !== undefined) setsockoptInt(fd, SOL_SOCKET, SO_PRIORITY, options.priority);
    if (options.receiveLowWatermark !== undefined) setsockoptInt(fd, SOL_SOCKET, SO_RCVLOWAT, options.receiveLowWatermark);
  } catch (e) {
    throw new AmberError(`${who}: cannot set its socket options: ${isSyscallError(e) ? e.code : String(e)}`);
  }
}
