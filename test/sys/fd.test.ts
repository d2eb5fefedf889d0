import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { CLONE_NEWNET, F_GETPIPE_SZ, O_CLOEXEC, PAGE_SIZE, UFFD_USER_MODE_ONLY } from '../../src/sys/constants';
import { close, fcntl, ioctlBuffer, ioctlInt, memfdCreate, pipe2, splice, tee, userfaultfd } from '../../src/sys/fd';
import { asFd, type Fd } from '../../src/sys/types';

/** Closes every fd after `body`, even when it throws. */
function withFds<T>(fds: Fd[], body: () => T): T {
  try {
    return body();
  } finally {
    fds.forEach(close);
  }
}

const readAll = (fd: Fd, length: number): string => {
  const buffer = Buffer.alloc(length);
  return buffer.subarray(0, fs.readSync(fd, buffer)).toString();
};

test('tee copies pipe data without consuming it', () => {
  const source = pipe2(O_CLOEXEC);
  const copy = pipe2(O_CLOEXEC);
  withFds([source.readEnd, source.writeEnd, copy.readEnd, copy.writeEnd], () => {
    fs.writeSync(source.writeEnd, 'queued bytes');
    assert.equal(tee(source.readEnd, copy.writeEnd, 1 << 16), 12);
    assert.equal(readAll(copy.readEnd, 64), 'queued bytes');
    assert.equal(readAll(source.readEnd, 64), 'queued bytes');
    assert.ok(fcntl(source.readEnd, F_GETPIPE_SZ) >= PAGE_SIZE);
  });
});

test('splice moves pipe data into a memfd at an offset', () => {
  const pipe = pipe2(O_CLOEXEC);
  const file = memfdCreate('spliced', 0);
  withFds([pipe.readEnd, pipe.writeEnd, file], () => {
    fs.writeSync(pipe.writeEnd, 'moved');
    assert.equal(splice(pipe.readEnd, null, file, 100n, 5), 5);
    assert.equal(fs.readFileSync(`/proc/self/fd/${file}`).subarray(100).toString(), 'moved');
  });
});

test('userfaultfd answers the UFFDIO_API handshake through ioctlBuffer', () => {
  const uffd = userfaultfd(O_CLOEXEC | UFFD_USER_MODE_ONLY);
  withFds([uffd], () => {
    const UFFDIO_API = 0xc018aa3fn;
    const api = Buffer.alloc(24);
    api.writeBigUInt64LE(0xaan, 0);
    assert.equal(ioctlBuffer(uffd, UFFDIO_API, api), 0);
    assert.notEqual(api.readBigUInt64LE(16), 0n, 'the kernel lists the ioctls it supports');
  });
});

test('ioctlInt returns the ioctl result: NS_GET_NSTYPE of a network namespace', () => {
  const ns = asFd(fs.openSync('/proc/self/ns/net', fs.constants.O_RDONLY));
  withFds([ns], () => {
    const NS_GET_NSTYPE = 0xb703n;
    assert.equal(ioctlInt(ns, NS_GET_NSTYPE), CLONE_NEWNET);
  });
});
