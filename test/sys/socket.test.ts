import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import {
  AF_NETLINK,
  AF_UNIX,
  NETLINK_ROUTE,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_PASSCRED,
  SO_TYPE,
} from '../../src/sys/constants';
import { close, pipe2 } from '../../src/sys/fd';
import { isSyscallError } from '../../src/sys/native';
import { encodeNetlinkMessage, netlinkRequest } from '../../src/sys/netlink';
import {
  bind,
  getsockname,
  getsockoptInt,
  recvmsg,
  sendmsg,
  setsockoptInt,
  sockaddrNetlink,
  sockaddrUnix,
  socket,
  socketpair,
} from '../../src/sys/socket';
import { asPid } from '../../src/sys/types';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const IFINFOMSG_SIZE = 16;

test('SCM_RIGHTS passes a working fd over a socketpair', () => {
  const [left, right] = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC);
  const pipe = pipe2();
  try {
    assert.equal(sendmsg(left, Buffer.from('take this'), { fds: [pipe.writeEnd] }), 9);
    const received = recvmsg(right, 64, { maxFds: 4 });
    assert.equal(received.data.toString(), 'take this');
    assert.equal(received.fds.length, 1);
    assert.equal(received.creds, null);
    fs.writeSync(received.fds[0], 'through the copy');
    close(received.fds[0]);
    const buffer = Buffer.alloc(64);
    assert.equal(buffer.subarray(0, fs.readSync(pipe.readEnd, buffer)).toString(), 'through the copy');
  } finally {
    [left, right, pipe.readEnd, pipe.writeEnd].forEach(close);
  }
});

test('SCM_CREDENTIALS arrive when the receiver sets SO_PASSCRED', () => {
  const [left, right] = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC);
  try {
    setsockoptInt(right, SOL_SOCKET, SO_PASSCRED, 1);
    assert.equal(getsockoptInt(right, SOL_SOCKET, SO_PASSCRED), 1);
    assert.equal(getsockoptInt(right, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
    sendmsg(left, Buffer.from('who'), { creds: { pid: asPid(process.pid), uid: 0, gid: 0 } });
    assert.deepEqual(recvmsg(right, 16).creds, { pid: process.pid, uid: process.getuid?.(), gid: process.getgid?.() });
  } finally {
    [left, right].forEach(close);
  }
});

test('getsockname returns the bound abstract address', () => {
  const fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC);
  try {
    const address = sockaddrUnix(`\0amber-test-${process.pid}`);
    bind(fd, address);
    assert.deepEqual(getsockname(fd), address);
  } finally {
    close(fd);
  }
});

test('netlinkRequest dumps the network interfaces and reports errors with a code', () => {
  const fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  try {
    bind(fd, sockaddrNetlink());
    const dump = encodeNetlinkMessage({ type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 1, payload: Buffer.alloc(IFINFOMSG_SIZE) });
    const links = netlinkRequest(fd, dump);
    assert.equal(links.length, fs.readdirSync('/sys/class/net').length);
    assert.ok(links.every((link) => link.type === RTM_NEWLINK));

    const missing = Buffer.alloc(IFINFOMSG_SIZE);
    missing.writeInt32LE(0x7ffffff0, 4); // ifi_index of no interface
    const get = encodeNetlinkMessage({ type: RTM_GETLINK, flags: NLM_F_REQUEST, seq: 2, payload: missing });
    assert.throws(() => netlinkRequest(fd, get), (e: unknown) => isSyscallError(e, 'ENODEV') && e.syscall === 'netlink');
  } finally {
    close(fd);
  }
});
