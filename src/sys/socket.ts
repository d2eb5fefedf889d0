/** Socket system calls, with fd passing (SCM_RIGHTS) and credentials (SCM_CREDENTIALS). */
import { AF_NETLINK, AF_UNIX } from './constants';
import { native } from './native';
import type { Fd, Pid } from './types';

export function socket(domain: number, type: number, protocol = 0): Fd {
  return native().socket(domain, type, protocol) as Fd;
}

export function socketpair(domain: number, type: number, protocol = 0): [Fd, Fd] {
  const [first, second] = native().socketpair(domain, type, protocol);
  return [first as Fd, second as Fd];
}

export function bind(fd: Fd, address: Buffer): void {
  native().bind(fd, address);
}

export function connect(fd: Fd, address: Buffer): void {
  native().connect(fd, address);
}

export function listen(fd: Fd, backlog: number): void {
  native().listen(fd, backlog);
}

export function accept4(fd: Fd, flags = 0): Fd {
  return native().accept4(fd, flags) as Fd;
}

/** SHUT_RD (0), SHUT_WR (1) or SHUT_RDWR (2). */
export function shutdown(fd: Fd, how: number): void {
  native().shutdown(fd, how);
}

export function getsockopt(fd: Fd, level: number, name: number, maxLength: number): Buffer {
  return native().getsockopt(fd, level, name, maxLength);
}

export function setsockopt(fd: Fd, level: number, name: number, value: Buffer): void {
  native().setsockopt(fd, level, name, value);
}

/** An option whose value is a C int. */
export function getsockoptInt(fd: Fd, level: number, name: number): number {
  return getsockopt(fd, level, name, 4).readInt32LE(0);
}

export function setsockoptInt(fd: Fd, level: number, name: number, value: number): void {
  const raw = Buffer.alloc(4);
  raw.writeInt32LE(value);
  setsockopt(fd, level, name, raw);
}

/** The raw sockaddr the socket is bound to. */
export function getsockname(fd: Fd): Buffer {
  return native().getsockname(fd);
}

export function getpeername(fd: Fd): Buffer {
  return native().getpeername(fd);
}

/** struct sockaddr_un; a name starting with "\0" is in the abstract namespace (unix(7)). */
export function sockaddrUnix(name: string | Buffer): Buffer {
  const path = typeof name === 'string' ? Buffer.from(name) : name;
  const address = Buffer.alloc(2 + path.length);
  address.writeUInt16LE(AF_UNIX, 0);
  path.copy(address, 2);
  return address;
}

/** struct sockaddr_nl: port id 0 is the kernel. */
export function sockaddrNetlink(portId = 0, groups = 0): Buffer {
  const address = Buffer.alloc(12);
  address.writeUInt16LE(AF_NETLINK, 0);
  address.writeUInt32LE(portId, 4);
  address.writeUInt32LE(groups, 8);
  return address;
}

export interface Credentials {
  pid: Pid;
  uid: number;
  gid: number;
}

export interface SendOptions {
  /** Passed with SCM_RIGHTS. */
  fds?: readonly Fd[];
  /** Passed with SCM_CREDENTIALS (the kernel checks them against the sender). */
  creds?: Credentials;
  /** Destination for unconnected sockets. */
  address?: Buffer;
  flags?: number;
}

/** Returns the bytes sent. */
export function sendmsg(fd: Fd, data: Buffer, options: SendOptions = {}): number {
  return native().sendmsg(fd, data, [...(options.fds ?? [])], options.creds ?? null, options.address ?? null, options.flags ?? 0);
}

export interface ReceivedMessage {
  data: Buffer;
  /** Received with SCM_RIGHTS, now open in amber (the caller closes them). */
  fds: Fd[];
  /** Present when the socket has SO_PASSCRED. */
  creds: Credentials | null;
  address: Buffer;
  /** MSG_TRUNC, MSG_CTRUNC, ... */
  flags: number;
}

export interface ReceiveOptions {
  maxFds?: number;
  flags?: number;
}

export function recvmsg(fd: Fd, maxLength: number, options: ReceiveOptions = {}): ReceivedMessage {
  const raw = native().recvmsg(fd, maxLength, options.maxFds ?? 0, options.flags ?? 0);
  return {
    data: raw.data,
    fds: raw.fds as Fd[],
    creds: raw.creds === null ? null : { pid: raw.creds.pid as Pid, uid: raw.creds.uid, gid: raw.creds.gid },
    address: raw.addr,
    flags: raw.flags,
  };
}
