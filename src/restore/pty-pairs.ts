/**
 * The pty pairs of one restore, made by amber before the tasks that use
 * them (a session leader takes its terminal before it has children, which
 * inherit it). /dev/ptmx is opened until the kernel hands out the recorded
 * index (it gives the lowest free one, so the ones below are held
 * meanwhile); the slave descriptions are opened through the master
 * (TIOCGPTPEER); then the device gets its settings, window size, queued
 * bytes, modes and lock. amber keeps its fds until the restore ends.
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import type { Checkpoint, FileId } from '../model';
import { ptyInfoId, terminalsOf, type Terminals, type TtyInfo, type TtyInfoId } from '../model/tty';
import { O_CLOEXEC, O_NONBLOCK } from '../sys/constants';
import { close } from '../sys/fd';
import * as terminal from '../sys/terminal';
import type { Fd } from '../sys/types';
import { fillQueues } from '../tty/queues';
import { openFlagsNumber } from './files/regular';

const { O_RDWR, O_NOCTTY } = fs.constants;
/** How many ptys amber holds at most while looking for an index. */
const MOST_PTMX_OPENS = 64;

export interface PtyPair {
  master: Fd;
  /** A description per slave file of the checkpoint, by file id. */
  slaves: Map<FileId, Fd>;
}

function openPtmxAt(index: number, user: string): Fd {
  const misses: Fd[] = [];
  try {
    while (misses.length < MOST_PTMX_OPENS) {
      const master = fs.openSync('/dev/ptmx', O_RDWR | O_NOCTTY | O_CLOEXEC) as Fd;
      const got = terminal.ptyIndex(master);
      if (got === index) return master;
      misses.push(master);
      if (got > index) throw new AmberError(`${user}: cannot recreate pty ${index}: it is in use (/dev/ptmx gave ${got})`);
    }
    throw new AmberError(`${user}: cannot recreate pty ${index}: more than ${MOST_PTMX_OPENS} lower indexes are free`);
  } finally {
    misses.forEach(close);
  }
}

/** Termios, locked termios and window size of the slave (set through the master). */
function setDeviceState(master: Fd, info: TtyInfo): void {
  if (info.lockedTermios !== undefined) terminal.setLockedSettings(master, info.lockedTermios);
  if (info.termios !== undefined) terminal.setLineSettings(master, info.termios);
  if (info.winSize !== undefined) terminal.setWindowSize(master, info.winSize);
}

const queued = (terminals: Terminals, reader: TtyInfoId): Buffer =>
  Buffer.concat(terminals.data.filter((chunk) => chunk.tty === reader).map((chunk) => chunk.data));

/** Queued bytes and exclusive mode go through a slave description of amber's own. */
function fillThroughOwnSlave(master: Fd, terminals: Terminals, index: number): void {
  const slave = terminal.openPtyPeer(master, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  try {
    fillQueues(master, slave, { toSlave: queued(terminals, ptyInfoId(index, false)), toMaster: queued(terminals, ptyInfoId(index, true)) });
    if (terminals.infos.get(ptyInfoId(index, false))?.exclusive === true) terminal.setExclusive(slave);
  } finally {
    close(slave);
  }
}

function makePair(terminals: Terminals, index: number, user: string, fds: Fd[]): PtyPair {
  const master = openPtmxAt(index, user);
  fds.push(master);
  terminal.setPtyLocked(master, false);
  const masterInfo = terminals.infos.get(ptyInfoId(index, true));
  const settings = terminals.infos.get(ptyInfoId(index, false)) ?? masterInfo;
  if (settings !== undefined) setDeviceState(master, settings);
  const slaves = new Map<FileId, Fd>();
  for (const file of terminals.files.filter((candidate) => candidate.info === ptyInfoId(index, false))) {
    const slave = terminal.openPtyPeer(master, openFlagsNumber(file.flags) | O_NOCTTY | O_CLOEXEC);
    fds.push(slave);
    slaves.set(file.id, slave);
  }
  fillThroughOwnSlave(master, terminals, index);
  if (masterInfo?.packetMode === true) terminal.setPacketMode(master, true);
  if (masterInfo?.exclusive === true) terminal.setExclusive(master);
  if (masterInfo?.locked === true) terminal.setPtyLocked(master, true);
  return { master, slaves };
}

export class PtyPairs {
  readonly terminals: Terminals;
  private readonly pairs = new Map<number, PtyPair>();
  private readonly fds: Fd[] = [];

  constructor(checkpoint: Checkpoint) {
    this.terminals = terminalsOf(checkpoint);
  }

  /** Pair `index`, made on first use; `user` names who needs it, for errors. */
  pair(index: number, user: string): PtyPair {
    let pair = this.pairs.get(index);
    if (pair === undefined) {
      pair = makePair(this.terminals, index, user, this.fds);
      this.pairs.set(index, pair);
    }
    return pair;
  }

  close(): void {
    this.fds.splice(0).forEach(close);
    this.pairs.clear();
  }
}

const pairsByCheckpoint = new WeakMap<Checkpoint, PtyPairs>();

/** The pty pairs of the restore of `checkpoint`, which the tree and the fd tables both use. */
export function ptyPairsFor(checkpoint: Checkpoint): PtyPairs {
  let pairs = pairsByCheckpoint.get(checkpoint);
  if (pairs === undefined) {
    pairs = new PtyPairs(checkpoint);
    pairsByCheckpoint.set(checkpoint, pairs);
  }
  return pairs;
}

/** Closes amber's fds of the pairs, once the tasks have theirs (or the restore failed). */
export function releasePtyPairs(checkpoint: Checkpoint): void {
  pairsByCheckpoint.get(checkpoint)?.close();
  pairsByCheckpoint.delete(checkpoint);
}
