/**
 * The bytes queued in a pty: written to the master and not yet read from
 * the slave, and the other way round. A terminal cannot be read without
 * consuming what it reads, so taking them out is always followed by
 * putting them back. While bytes move, the slave's line discipline is
 * switched to raw (no echo, no line editing, no output processing) so they
 * land in the queues exactly as they left them, then switched back.
 */
import * as fs from 'node:fs';
import { isSyscallError } from '../sys/native';
import { getLineSettings, setLineSettings, unreadBytes, type LineSettings } from '../sys/terminal';
import type { Fd } from '../sys/types';

export interface PtyQueues {
  /** Written to the master, waiting to be read from the slave. */
  toSlave: Buffer;
  /** Written to the slave, waiting to be read from the master. */
  toMaster: Buffer;
}

// <asm/termbits.h>
const ISIG = 0o1;
const ICANON = 0o2;
const ECHO = 0o10;
const ECHONL = 0o100;
const IEXTEN = 0o100000;
const OPOST = 0o1;
const INPUT_MAPPING = 0o40 /* ISTRIP */ | 0o100 /* INLCR */ | 0o200 /* IGNCR */ | 0o400 /* ICRNL */ | 0o1000 /* IUCLC */ | 0o2000 /* IXON */;
const VTIME = 5;
const VMIN = 6;

/** A read never waits: VMIN and VTIME 0 (termios(3), non-canonical mode). */
function rawOf(settings: LineSettings): LineSettings {
  const controlChars = [...settings.controlChars];
  controlChars[VMIN] = 0;
  controlChars[VTIME] = 0;
  return {
    ...settings,
    inputFlags: settings.inputFlags & ~INPUT_MAPPING,
    outputFlags: settings.outputFlags & ~OPOST,
    localFlags: settings.localFlags & ~(ISIG | ICANON | ECHO | ECHONL | IEXTEN),
    controlChars,
  };
}

/** Runs `work` with the slave raw; `master` carries the slave's settings (tty_ioctl(4)). */
function withRawSlave<T>(master: Fd, work: () => T): T {
  const saved = getLineSettings(master);
  setLineSettings(master, rawOf(saved));
  try {
    return work();
  } finally {
    setLineSettings(master, saved);
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
const ARRIVAL_TIMEOUT_MS = 2000;

/** A write reaches the other side's queue through a kernel work item: wait until `reader` holds `length` bytes. */
function awaitQueued(reader: Fd, length: number): void {
  const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
  while (unreadBytes(reader) < length && Date.now() < deadline) Atomics.wait(sleepCell, 0, 0, 1);
}

function writeAll(fd: Fd, data: Buffer): void {
  let done = 0;
  while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done);
}

/** Reads what `fd` holds now: `unreadBytes` says how much, so that a blocking description never waits. In packet mode each read starts with a status byte. */
function readQueued(fd: Fd, packetMode: boolean): Buffer {
  const chunks: Buffer[] = [];
  let left = unreadBytes(fd);
  while (left > 0) {
    const chunk = Buffer.alloc(left + 1);
    let length: number;
    try {
      length = fs.readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      if (isSyscallError(e, 'EAGAIN') || (e as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw e;
    }
    if (length === 0) break;
    const data = chunk.subarray(packetMode ? 1 : 0, length);
    chunks.push(data);
    left -= data.length;
  }
  return Buffer.concat(chunks);
}

function putQueues(master: Fd, slave: Fd, queues: PtyQueues): void {
  writeAll(master, queues.toSlave);
  writeAll(slave, queues.toMaster);
  awaitQueued(slave, queues.toSlave.length);
  awaitQueued(master, queues.toMaster.length);
}

/** The queued bytes of the pty, left in place. `slave` is a description amber opened on the slave; `packetMode` is the master's. */
export function copyQueues(master: Fd, slave: Fd, packetMode: boolean): PtyQueues {
  return withRawSlave(master, () => {
    const queues = { toSlave: readQueued(slave, false), toMaster: readQueued(master, packetMode) };
    putQueues(master, slave, queues);
    return queues;
  });
}

/** Queues `queues` in a pty that has none. */
export function fillQueues(master: Fd, slave: Fd, queues: PtyQueues): void {
  if (queues.toSlave.length === 0 && queues.toMaster.length === 0) return;
  withRawSlave(master, () => putQueues(master, slave, queues));
}
