import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { parseMountInfo, readMountInfo } from '../../src/proc/mountinfo';
import { assertParseError, ownPid, sampleText } from './sample';

function mountAt(suffix: string) {
  const mount = parseMountInfo(sampleText('mountinfo')).find((m) => m.mountPoint.endsWith(suffix));
  assert.ok(mount !== undefined, suffix);
  return mount;
}

test('mountinfo sample: escaped spaces, options, shared peers', () => {
  const spaced = mountAt('/scratch/mnt with space');
  assert.deepEqual([spaced.fsType, spaced.source, spaced.root], ['tmpfs', 'amber sample', '/']);
  assert.deepEqual(spaced.mountOptions, ['rw', 'nosuid', 'relatime']);
  assert.deepEqual(spaced.superOptions, ['rw', 'size=1024k', 'mode=700']);
  const peer = mountAt('/scratch/peer');
  assert.equal(peer.propagation.shared, spaced.propagation.shared);
  assert.ok(spaced.propagation.shared !== undefined);
  assert.deepEqual(peer.device, spaced.device);
});

test('mountinfo sample: slave and unbindable mounts', () => {
  const spaced = mountAt('/scratch/mnt with space');
  const slave = mountAt('/scratch/slave');
  assert.deepEqual(slave.propagation, { unbindable: false, master: spaced.propagation.shared });
  const unbindable = mountAt('/scratch/unbindable');
  assert.deepEqual(unbindable.propagation, { unbindable: true });
  assert.deepEqual([unbindable.source, unbindable.mountOptions[0]], ['none', 'ro']);
  const root = mountAt('/scratch/mnt with space');
  assert.equal(parseMountInfo(sampleText('mountinfo')).find((m) => m.mountId === root.parentId)?.mountPoint, '/');
});

test('mountinfo: propagate_from, unknown optional fields and tabs in names', () => {
  const [mount] = parseMountInfo('70 42 0:50 /sub\\011dir /mnt rw master:3 propagate_from:2 future:9 - fuse.sshfs me@host:/ rw\n');
  assert.deepEqual(mount.propagation, { unbindable: false, master: 3, propagateFrom: 2 });
  assert.deepEqual([mount.root, mount.fsType, mount.source], ['/sub\tdir', 'fuse.sshfs', 'me@host:/']);
});

test('mountinfo: malformed lines fail naming the file and line', () => {
  assertParseError(() => parseMountInfo('1 0 8:1 / / rw - ext4\n', '/proc/7/mountinfo'), '/proc/7/mountinfo: line 1: expected "ID PARENT');
  assertParseError(() => parseMountInfo('1 0 8-1 / / rw - ext4 /dev/sda rw\n', '/proc/7/mountinfo'), '/proc/7/mountinfo: line 1: device is not MAJOR:MINOR');
  assertParseError(() => parseMountInfo('1 0 8:1 / / rw shared:x - ext4 /dev/sda rw\n', '/proc/7/mountinfo'), '/proc/7/mountinfo: line 1: shared peer group');
});

test('mountinfo live: the root mount of this process', () => {
  const mounts = readMountInfo(ownPid);
  const root = mounts.find((m) => m.mountPoint === '/');
  assert.ok(root !== undefined);
  const stat = fs.statSync('/');
  assert.equal(root.device.major * 256 + root.device.minor, stat.dev);
});
