import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { controllersOf, parseCgroups, readCgroups } from '../../src/proc/cgroups';
import { ownPid } from './sample';

const HYBRID = '9:name=systemd:/\n4:cpu,cpuacct:/a:b\n8:pids:/amber/x\n0::/unified/y\n';

test('/proc/PID/cgroup: v1 controller and named hierarchies and the v2 one, sorted by hierarchy, a path may hold colons', () => {
  assert.deepEqual(parseCgroups(HYBRID), [
    { hierarchy: '', path: '/unified/y' },
    { hierarchy: 'cpu,cpuacct', path: '/a:b' },
    { hierarchy: 'name=systemd', path: '/' },
    { hierarchy: 'pids', path: '/amber/x' },
  ]);
  assert.deepEqual(['cpu,cpuacct', 'name=systemd', ''].map(controllersOf), [['cpu', 'cpuacct'], [], []]);
});

test('/proc/PID/cgroup: a malformed line is named with its file and line', () => {
  assert.throws(() => parseCgroups('0::/\n1:pids\n', '/proc/7/cgroup'), { message: '/proc/7/cgroup: line 2: expected "ID:CONTROLLERS:PATH", got "1:pids"' });
  assert.throws(() => parseCgroups('1:pids:relative\n', '/proc/7/cgroup'), { message: '/proc/7/cgroup: line 1: cgroup path "relative" does not start with /' });
});

test("this process's cgroups: one per hierarchy", () => {
  const own = readCgroups(ownPid);
  assert.ok(own.length > 0);
  assert.equal(new Set(own.map((membership) => membership.hierarchy)).size, own.length);
});
