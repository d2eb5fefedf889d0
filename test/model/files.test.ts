import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  asFd,
  asPid,
  fdsUsing,
  fileAt,
  findFile,
  findTask,
  ghostOf,
  pipeContentsOf,
  pipeEnds,
  queuedPackets,
  type Checkpoint,
  type OpenFile,
} from '../../src/model';
import { checkpointOf } from './load';

function fileOfKind<K extends OpenFile['kind']>(checkpoint: Checkpoint, pid: number, fd: number, kind: K): Extract<OpenFile, { kind: K }> {
  const file = fileAt(checkpoint, asPid(pid), asFd(fd));
  assert.equal(file.kind, kind, `fd ${fd} of ${pid}`);
  return file as Extract<OpenFile, { kind: K }>;
}

describe('the files fixture', () => {
  it('has fd 20 and fd 3 on one open file description at position 1234', async () => {
    const checkpoint = await checkpointOf('files');
    const data = fileOfKind(checkpoint, 25423, 3, 'regular');
    assert.equal(fileAt(checkpoint, asPid(25423), asFd(20)), data);
    assert.deepEqual(fdsUsing(checkpoint, data.id), [
      { pid: 25423, fd: 3 },
      { pid: 25423, fd: 20 },
    ]);
    assert.deepEqual([data.path, data.position, data.size, data.flags.readWrite], ['/tmp/criu-wl/files/data.txt', 1234n, 4000n, true]);
  });

  it('has the append-only log, the close-on-exec fd and the cwd', async () => {
    const checkpoint = await checkpointOf('files');
    const log = fileOfKind(checkpoint, 25423, 4, 'regular');
    assert.deepEqual([log.flags.writeOnly, log.flags.append, log.position], [true, true, 33n]);
    const table = checkpoint.fdTables.get(2);
    assert.deepEqual(table?.fds.filter((entry) => entry.flags.closeOnExec).map((entry) => entry.fd), [6]);
    const { fs } = findTask(checkpoint, asPid(25423));
    assert.ok(fs);
    assert.equal((findFile(checkpoint, fs.cwd) as { path?: string }).path, '/tmp/criu-wl/files/sub');
  });

  it('carries the unlinked file as a ghost with its contents', async () => {
    const checkpoint = await checkpointOf('files');
    const ghostly = fileOfKind(checkpoint, 25423, 5, 'regular');
    const ghost = ghostOf(checkpoint, ghostly.id);
    assert.equal(ghost?.contents?.toString(), 'this file was unlinked while still open\n');
    assert.deepEqual([ghost?.device, ghost?.inode], [(254 << 20) | 0, 2163201n], 'which file it was: device 254:0, the kernel way, and inode');
    assert.equal(ghostOf(checkpoint, fileOfKind(checkpoint, 25423, 3, 'regular').id), undefined);
  });
});

describe('the pipes fixture', () => {
  it('has pipe A shared by both tasks with 95 unread bytes', async () => {
    const checkpoint = await checkpointOf('pipes');
    const readEnd = fileOfKind(checkpoint, 25652, 3, 'pipe');
    const writeEnd = fileOfKind(checkpoint, 25652, 4, 'pipe');
    assert.equal(readEnd.pipe, 341980);
    assert.deepEqual(pipeEnds(checkpoint, readEnd.pipe), [readEnd, writeEnd]);
    assert.deepEqual(fdsUsing(checkpoint, readEnd.id), [
      { pid: 25652, fd: 3 },
      { pid: 25657, fd: 3 },
    ]);
    const contents = pipeContentsOf(checkpoint, readEnd);
    assert.equal(contents?.data.length, 95);
    assert.equal(contents?.capacity, 16384);
    assert.match(contents?.data.toString() ?? '', /^pipe A: .*\npipe A: .*child\n$/);
  });

  it('has pipe B between parent and child with 36 bytes', async () => {
    const checkpoint = await checkpointOf('pipes');
    const writeEnd = fileOfKind(checkpoint, 25652, 6, 'pipe');
    const readEnd = fileOfKind(checkpoint, 25657, 5, 'pipe');
    assert.equal(readEnd.pipe, writeEnd.pipe);
    assert.deepEqual(fdsUsing(checkpoint, writeEnd.id), [{ pid: 25652, fd: 6 }]);
    assert.equal(pipeContentsOf(checkpoint, readEnd)?.data.length, 36);
  });

  it('has the FIFO: one shared O_RDWR description, a second one in the child, 40 bytes', async () => {
    const checkpoint = await checkpointOf('pipes');
    const shared = fileOfKind(checkpoint, 25652, 7, 'fifo');
    assert.deepEqual(fdsUsing(checkpoint, shared.id), [
      { pid: 25652, fd: 7 },
      { pid: 25657, fd: 7 },
    ]);
    const second = fileOfKind(checkpoint, 25657, 8, 'fifo');
    assert.equal(second.pipe, shared.pipe);
    assert.notEqual(second.id, shared.id);
    const path = second.pathFile === undefined ? undefined : findFile(checkpoint, second.pathFile);
    assert.equal(path?.kind === 'regular' && path.path, '/tmp/criu-wl/pipes/fifo');
    assert.equal(path?.kind === 'regular' && path.flags.nonBlocking, true);
    assert.equal(pipeContentsOf(checkpoint, shared)?.data.length, 40);
  });
});

describe('the unix fixture', () => {
  it("has the stream socketpair's queued messages on each receiving end", async () => {
    const checkpoint = await checkpointOf('unix');
    const three = fileOfKind(checkpoint, 26025, 3, 'unix-socket');
    const four = fileOfKind(checkpoint, 26025, 4, 'unix-socket');
    assert.deepEqual([three.peerInode, four.peerInode], [four.inode, three.inode]);
    assert.deepEqual([three.netNamespace, four.netNamespace], [2, 2], "in the task's network namespace (net_ns_id 2)");
    const toFour = queuedPackets(checkpoint, four.id).map((packet) => packet.data.toString());
    assert.equal(toFour.join('').length, 48);
    assert.deepEqual(toFour.join('').split('\n').filter(Boolean).length, 2);
    assert.deepEqual(queuedPackets(checkpoint, three.id).map((packet) => packet.data.length), [18]);
  });

  it('has the listener, the abstract datagram socket and its three datagrams', async () => {
    const checkpoint = await checkpointOf('unix');
    const listener = fileOfKind(checkpoint, 26025, 5, 'unix-socket');
    assert.deepEqual([listener.state, listener.backlog, listener.name.toString()], [10, 8, '/tmp/criu-wl/unix/listen.sock\0']);
    const dgram = fileOfKind(checkpoint, 26025, 6, 'unix-socket');
    assert.equal(dgram.name.toString(), '\0criu-wl-dgram');
    assert.deepEqual(queuedPackets(checkpoint, dgram.id).map((packet) => packet.data.length), [11, 28, 11]);
    assert.equal(fileOfKind(checkpoint, 26025, 7, 'unix-socket').peerInode, dgram.inode);
    const seqpacket = fileOfKind(checkpoint, 26025, 9, 'unix-socket');
    assert.deepEqual(queuedPackets(checkpoint, seqpacket.id).map((packet) => packet.data.length), [21]);
  });
});

describe('the fdtypes fixture', () => {
  it('has the eventfd counter, both timerfds and the signalfd mask', async () => {
    const checkpoint = await checkpointOf('fdtypes');
    const eventfd = fileOfKind(checkpoint, 26353, 3, 'eventfd');
    assert.deepEqual([eventfd.counter, eventfd.flags.nonBlocking], [42n, true]);
    const monotonic = fileOfKind(checkpoint, 26353, 4, 'timerfd');
    assert.deepEqual([monotonic.clock, monotonic.interval.seconds, monotonic.remaining.seconds], [1, 60n, 3599n]);
    const realtime = fileOfKind(checkpoint, 26353, 5, 'timerfd');
    assert.deepEqual([realtime.clock, realtime.interval.seconds, realtime.remaining.seconds], [0, 0n, 7199n]);
    assert.equal(fileOfKind(checkpoint, 26353, 6, 'signalfd').signals, 0xa00n);
  });

  it('has the inotify watches and the epoll targets', async () => {
    const checkpoint = await checkpointOf('fdtypes');
    const inotify = fileOfKind(checkpoint, 26353, 7, 'inotify');
    const watches = Object.fromEntries(inotify.watches.map((watch) => [watch.path, watch.mask]));
    assert.deepEqual(watches, { '/tmp/criu-wl/fdtypes/watched': 0x380, '/tmp/criu-wl/fdtypes/watched/file': 0xa });
    const epoll = fileOfKind(checkpoint, 26353, 8, 'epoll');
    const targets = Object.fromEntries(epoll.targets.map((target) => [target.fd, [target.data, target.events]]));
    assert.deepEqual(targets, { 3: [0x1111n, 25], 4: [0x2222n, 0x80000019], 6: [0x3333n, 25], 7: [0x4444n, 29] });
  });
});
