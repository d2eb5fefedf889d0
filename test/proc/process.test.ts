import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNulSeparated, readCmdline, readEnviron } from '../../src/proc/cmdline';
import { parseNamespaceLink, readNamespaces } from '../../src/proc/ns';
import { parseStatus } from '../../src/proc/status';
import { parseSysctlNumber, readNsLastPid, readPidMax } from '../../src/proc/sysctl';
import { asPid, asTid } from '../../src/sys/types';
import { parseChildren, parseTaskIds, readChildren, readDescendantsNow, readTaskIds } from '../../src/proc/task';
import { assertParseError, madeNumber, ownPid, parentPid, sampleBytes, sampleText } from './sample';

test('task sample: the three threads, main thread first', () => {
  const tids = parseTaskIds(sampleText('task').trim().split('\n'));
  assert.equal(tids.length, parseStatus(sampleText('status')).threads);
  assert.equal(tids[0], madeNumber('pid'));
  assert.ok(tids.includes(asTid(madeNumber('thread'))));
  assertParseError(() => parseTaskIds(['12', 'x'], '/proc/12/task'), '/proc/12/task: entry "x"');
});

test('children: space-separated pids', () => {
  assert.deepEqual(parseChildren('12 345 '), [12, 345]);
  assert.deepEqual(parseChildren(''), []);
  assertParseError(() => parseChildren('12 x', '/proc/1/task/1/children'), '/proc/1/task/1/children: line 1: pid is not');
});

test('descendants now: a tree from its root down; a process that is gone has none', () => {
  const tree = readDescendantsNow(parentPid);
  assert.equal(tree[0], parentPid);
  assert.ok(tree.indexOf(ownPid) > 0);
  assert.deepEqual(readDescendantsNow(asPid(readPidMax())), []);
});

test('cmdline and environ samples: empty and spaced arguments survive', () => {
  const argv = parseNulSeparated(sampleBytes('cmdline'));
  assert.deepEqual(argv.slice(2), ['arg with space', '', 'last']);
  assert.ok(argv[0].endsWith('/make-samples'));
  assert.deepEqual(parseNulSeparated(sampleBytes('environ')), ['A=1', 'B=two words', 'EMPTY=']);
  assert.deepEqual(parseNulSeparated(Buffer.from('rewritten title')), ['rewritten title']);
});

test('ns sample: the mount namespace make-samples made is its own', () => {
  const links = sampleText('ns')
    .trim()
    .split('\n')
    .map((line) => {
      const [name, target] = line.split(' ');
      return parseNamespaceLink(name, target);
    });
  const mnt = links.find((link) => link.name === 'mnt');
  const live = readNamespaces(ownPid).find((link) => link.name === 'mnt');
  assert.equal(mnt?.type, 'mnt');
  assert.ok(mnt !== undefined && live !== undefined && mnt.inode !== live.inode);
  assert.equal(links.find((link) => link.name === 'pid_for_children')?.type, 'pid');
  assertParseError(() => parseNamespaceLink('net', 'net:4026531840', '/proc/1/ns/net'), '/proc/1/ns/net: line 1: link target');
});

test('sysctl numbers', () => {
  assert.equal(parseSysctlNumber('32768\n', '/proc/sys/kernel/pid_max'), 32768);
  assertParseError(() => parseSysctlNumber('many\n', '/proc/sys/kernel/pid_max'), '/proc/sys/kernel/pid_max: line 1');
});

test('live: threads, children, arguments, namespaces and pid sysctls of this process', () => {
  const tids = readTaskIds(ownPid);
  assert.equal(tids[0], process.pid);
  assert.ok(readChildren(parentPid).includes(ownPid));
  assert.deepEqual(readCmdline(ownPid), [process.argv0, ...process.execArgv, ...process.argv.slice(1)]);
  assert.ok(readEnviron(ownPid).length > 0);
  const ns = readNamespaces(ownPid);
  assert.ok(ns.some((link) => link.type === 'pid'));
  const lastPid = readNsLastPid();
  assert.ok(lastPid > 0 && lastPid < readPidMax());
});
