/**
 * Unix sockets the test itself binds in a temporary directory, to be the
 * peers, outside the dumped tree, of a program's sockets (node has no unix
 * datagram sockets, so these use amber's own wrappers). Each is closed,
 * and its directory removed, when the test ends.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { AF_UNIX, MSG_DONTWAIT, SOCK_CLOEXEC, SOCK_DGRAM, SOCK_STREAM } from '../../src/sys/constants';
import { close } from '../../src/sys/fd';
import { accept4, bind, listen, recvmsg, sendmsg, sockaddrUnix, socket } from '../../src/sys/socket';
import type { Fd } from '../../src/sys/types';

/** A socket of `type` bound at a new path. */
function boundSocket(t: TestContext, type: number): { path: string; fd: Fd } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-outside-'));
  const fd = socket(AF_UNIX, type | SOCK_CLOEXEC);
  t.after(() => {
    close(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const socketPath = path.join(dir, 'outside.sock');
  bind(fd, sockaddrUnix(socketPath));
  return { path: socketPath, fd };
}

export interface OutsideDatagramSocket {
  path: string;
  /** Sends `text` to the program's socket, bound at PATH.client (see test/programs/dump-socket.c). */
  sendToClient(text: string): void;
  /** The next datagram queued for it, as text; throws EAGAIN when none is. */
  receive(): string;
}

export function boundDatagramSocket(t: TestContext): OutsideDatagramSocket {
  const { path: socketPath, fd } = boundSocket(t, SOCK_DGRAM);
  return {
    path: socketPath,
    sendToClient: (text) => void sendmsg(fd, Buffer.from(text), { address: sockaddrUnix(`${socketPath}.client`) }),
    receive: () => recvmsg(fd, 256, { flags: MSG_DONTWAIT }).data.toString(),
  };
}

export interface OutsideListener {
  path: string;
  /** Accepts the next connection, kept open until the test ends. */
  accept(): void;
}

export function listeningStreamSocket(t: TestContext): OutsideListener {
  const { path: socketPath, fd } = boundSocket(t, SOCK_STREAM);
  listen(fd, 4);
  return {
    path: socketPath,
    accept: () => {
      const connection = accept4(fd, SOCK_CLOEXEC);
      t.after(() => close(connection));
    },
  };
}
