import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Fdinfo, parseFdinfo, readFdinfo } from '../../src/proc/fdinfo';
import { parseMountInfo } from '../../src/proc/mountinfo';
import { asFd } from '../../src/sys/types';
import { assertParseError, madeNumber, ownPid, sampleText } from './sample';

const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const O_RDWR = 2;

function sample<K extends Fdinfo['kind']>(name: string, kind: K): Extract<Fdinfo, { kind: K }> {
  const info = parseFdinfo(sampleText(`fdinfo-${name}`));
  assert.equal(info.kind, kind);
  return info as Extract<Fdinfo, { kind: K }>;
}

test('fdinfo eventfd: count 5, non-blocking', () => {
  const info = sample('eventfd', 'eventfd');
  assert.equal(info.count, 5n);
  assert.equal(info.semaphore, false);
  assert.equal(info.flags, O_RDWR | O_NONBLOCK);
  assert.equal(info.pos, 0n);
});

test('fdinfo epoll: both targets with events and data', () => {
  const info = sample('epoll', 'epoll');
  const eventfd = parseFdinfo(sampleText('fdinfo-eventfd'));
  assert.equal(info.flags, O_RDWR | O_CLOEXEC);
  assert.equal(info.targets.length, 2);
  const first = info.targets.find((target) => target.fd === madeNumber('eventfd'));
  const second = info.targets.find((target) => target.fd === madeNumber('pipe-read'));
  // EPOLLIN, with the EPOLLERR | EPOLLHUP the kernel always adds
  assert.deepEqual([first?.events, first?.data, first?.ino], [0x19, 0x1122334455667788n, eventfd.ino]);
  assert.deepEqual([second?.events, second?.data], [0x80000019, 42n]); // and EPOLLET
});

test('fdinfo signalfd: SIGUSR1 and SIGUSR2', () => {
  const info = sample('signalfd', 'signalfd');
  assert.equal(info.sigmask, (1n << 9n) | (1n << 11n));
  assert.equal(info.flags, O_RDWR | O_NONBLOCK | O_CLOEXEC);
});

test('fdinfo timerfd: relative and absolute timers', () => {
  const relative = sample('timerfd', 'timerfd');
  assert.deepEqual([relative.clockId, relative.settimeFlags, relative.ticks], [1, 0, 0n]);
  assert.deepEqual(relative.interval, { seconds: 2, nanoseconds: 500000000 });
  assert.ok(relative.value.seconds < 1000 && relative.value.seconds > 900);
  const absolute = sample('timerfd-abs', 'timerfd');
  assert.deepEqual([absolute.clockId, absolute.settimeFlags], [0, 1]); // CLOCK_REALTIME, TFD_TIMER_ABSTIME
  assert.deepEqual(absolute.interval, { seconds: 0, nanoseconds: 0 });
});

test('fdinfo inotify: a directory watch and a file watch with handles', () => {
  const info = sample('inotify', 'inotify');
  const byInode = new Map(info.watches.map((watch) => [watch.ino, watch]));
  const dir = byInode.get(BigInt(madeNumber('dir-inode')));
  const file = byInode.get(BigInt(madeNumber('watched-inode')));
  assert.equal(dir?.mask, 0x100 | 0x200); // IN_CREATE | IN_DELETE
  assert.equal(file?.mask, 0x2); // IN_MODIFY
  assert.deepEqual(file?.device, { major: 0xfe, minor: 0 });
  assert.equal(file?.handle?.bytes.length, 8);
  assert.equal(file?.handle?.type, 1);
});

test('fdinfo fanotify: mount, inode and filesystem marks', () => {
  const info = sample('fanotify', 'fanotify');
  assert.equal(info.initFlags, 1); // FAN_CLASS_NOTIF = 0, FAN_CLOEXEC = 1
  assert.equal(info.eventFlags, 0o100000); // O_LARGEFILE
  const mount = info.marks.find((mark) => mark.target === 'mount');
  const inode = info.marks.find((mark) => mark.target === 'inode');
  const filesystem = info.marks.find((mark) => mark.target === 'filesystem');
  assert.equal(mount?.mask, 0x20 | 0x8); // FAN_OPEN | FAN_CLOSE_WRITE
  const spaced = parseMountInfo(sampleText('mountinfo')).find((m) => m.mountPoint.endsWith('/mnt with space'));
  assert.equal(mount?.target === 'mount' && mount.mntId, spaced?.mountId);
  assert.deepEqual([inode?.mask, inode?.ignoredMask], [0x2, 0x20]); // FAN_MODIFY, ignoring FAN_OPEN
  assert.equal(inode?.target === 'inode' && inode.ino, BigInt(madeNumber('watched-inode')));
  assert.equal(filesystem?.mask, 0x1); // FAN_ACCESS
  const unbindable = parseMountInfo(sampleText('mountinfo')).find((m) => m.mountPoint.endsWith('/unbindable'));
  assert.deepEqual(filesystem?.target === 'filesystem' && filesystem.device, unbindable?.device);
});

test('fdinfo locks: each kind of lock on a plain file', () => {
  const expected = [
    ['lock-posix', 'POSIX', 'ADVISORY', 'WRITE', madeNumber('pid'), 0n, null],
    ['lock-range', 'POSIX', 'ADVISORY', 'READ', madeNumber('pid'), 100n, 199n],
    ['lock-flock', 'FLOCK', 'ADVISORY', 'WRITE', madeNumber('pid'), 0n, null],
    ['lock-ofd', 'OFDLCK', 'ADVISORY', 'READ', null, 10n, null],
    ['lease', 'LEASE', 'ACTIVE', 'READ', madeNumber('pid'), 0n, null],
  ] as const;
  for (const [name, type, mode, access, pid, start, end] of expected) {
    const info = parseFdinfo(sampleText(`fdinfo-${name}`));
    assert.equal(info.kind, 'plain');
    assert.equal(info.locks.length, 1, name);
    const [lock] = info.locks;
    assert.deepEqual([lock.type, lock.mode, lock.access, lock.pid, lock.start, lock.end], [type, mode, access, pid, start, end], name);
    assert.equal(lock.file?.inode, info.ino, name);
  }
});

test('fdinfo: kind hints, unknown lines, malformed lines', () => {
  const emptyEpoll = 'pos:\t0\nflags:\t02\nmnt_id:\t15\nino:\t1057\n';
  assert.equal(parseFdinfo(emptyEpoll).kind, 'plain');
  assert.deepEqual(parseFdinfo(emptyEpoll, 'fd 4', 'epoll'), { ...parseFdinfo(emptyEpoll), kind: 'epoll', targets: [] });
  const pidfd = parseFdinfo(`${emptyEpoll}Pid:\t1\nNSpid:\t1\n`);
  assert.deepEqual(pidfd.otherLines, ['Pid:\t1', 'NSpid:\t1']);
  assertParseError(() => parseFdinfo(sampleText('fdinfo-eventfd'), '/proc/1/fdinfo/3', 'timerfd'), '/proc/1/fdinfo/3: has eventfd lines, expected a timerfd file');
  assertParseError(() => parseFdinfo('pos:\t0\nflags:\t09\nmnt_id:\t1\n', '/proc/1/fdinfo/3'), '/proc/1/fdinfo/3: line 2: flags is not a base-8 number');
  assertParseError(() => parseFdinfo('flags:\t02\nmnt_id:\t1\n', '/proc/1/fdinfo/3'), '/proc/1/fdinfo/3: missing "pos"');
  const badTarget = sampleText('fdinfo-epoll').replace('events:', 'evts:');
  assertParseError(() => parseFdinfo(badTarget, '/proc/1/fdinfo/6'), '/proc/1/fdinfo/6: line 5: missing "events"');
  const badTimer = sampleText('fdinfo-timerfd').replace('(2, 500000000)', '2.5');
  assertParseError(() => parseFdinfo(badTimer, '/proc/1/fdinfo/8'), '/proc/1/fdinfo/8: line 9: it_interval is not');
  const badLock = sampleText('fdinfo-lock-posix').replace('POSIX', 'POSSUM');
  assertParseError(() => parseFdinfo(badLock, '/proc/1/fdinfo/13'), '/proc/1/fdinfo/13: line 5: unknown lock type "POSSUM"');
});

test('fdinfo live: stdin of this process', () => {
  const info = readFdinfo(ownPid, asFd(0));
  assert.equal(info.kind, 'plain');
  assert.ok(info.mntId > 0);
});
