/**
 * Terminals: the two sides of Unix 98 ptys. Each description is a TTY entry
 * naming its device (one tty-info entry per side, see ../../model/tty.ts);
 * a device is described once, with its line settings, window size, lock,
 * packet and exclusive modes, and the session it controls. The bytes queued
 * in a pair are copied when its master is met (see ../../tty/queues.ts).
 */
import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import type { DecodedImage } from '../../images';
import type { FileId } from '../../model';
import { isMasterSide, ptyInfoId, terminalImages, ttyFileEntry, type TtyData, type TtyInfo, type TtyInfoId } from '../../model/tty';
import { readStat } from '../../proc/stat';
import { close } from '../../sys/fd';
import { isSyscallError } from '../../sys/native';
import { copyFdFromProcess } from '../../sys/pidfd';
import * as terminal from '../../sys/terminal';
import type { Fd, Pid } from '../../sys/types';
import { ptySideOf, slaveIndexOf, type PtySide } from '../../tty/devices';
import { copyQueues } from '../../tty/queues';
import { NO_OWNER, toOpenFlags, type FileSet } from '../file-set';
import { recordOpenedPath, type FdKind, type FdSubject } from './kind';

/** The terminal devices and queued bytes met so far in one dump. */
interface DumpedTerminals {
  infos: Map<TtyInfoId, TtyInfo>;
  data: TtyData[];
}

export const terminalsOfDump = (files: FileSet): DumpedTerminals => files.once('terminals', () => ({ infos: new Map(), data: [] }));

/** The session of a pty that controls none is ENOTTY: 0 then, as in the images. */
export function orZero(ask: () => number): number {
  try {
    return ask();
  } catch (e) {
    if (isSyscallError(e, 'ENOTTY')) return 0;
    throw e;
  }
}

/** Session and foreground group of a slave: asked on the master, or else from a task whose controlling terminal it is. */
function sessionOf(fd: Fd, side: PtySide, pid: Pid, rdev: number): { session: Pid; foregroundGroup: Pid } {
  if (side === 'master') return { session: orZero(() => terminal.terminalSession(fd)) as Pid, foregroundGroup: orZero(() => terminal.foregroundGroup(fd)) as Pid };
  const stat = readStat(pid);
  if (stat.ttyNr !== rdev) return { session: 0 as Pid, foregroundGroup: 0 as Pid };
  return { session: stat.session, foregroundGroup: stat.tpgid ?? (0 as Pid) };
}

function describeDevice(subject: FdSubject, fd: Fd, side: PtySide, id: TtyInfoId, index: number): TtyInfo {
  const master = side === 'master';
  return {
    id,
    kind: 'PTY',
    locked: master && terminal.isPtyLocked(fd),
    exclusive: terminal.isExclusive(fd),
    packetMode: master && terminal.isPacketMode(fd),
    ...sessionOf(fd, side, subject.pid, subject.stat.rdev),
    rdev: subject.stat.rdev,
    termios: terminal.getLineSettings(fd),
    lockedTermios: terminal.getLockedSettings(fd),
    winSize: terminal.getWindowSize(fd),
    ptyIndex: index,
    dev: subject.stat.dev,
  };
}

/** The bytes queued in the pair of `master`, each side's under the id of the side that reads them. */
function queuedData(master: Fd, info: TtyInfo, index: number, where: string): TtyData[] {
  if (info.locked) {
    if (terminal.unreadBytes(master) > 0) throw new AmberError(`${where}: the locked pty ${index} holds unread bytes, which amber cannot copy`);
    return [];
  }
  const slave = terminal.openPtyPeer(master, fs.constants.O_RDWR | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
  try {
    const queues = copyQueues(master, slave, info.packetMode);
    return [
      { tty: ptyInfoId(index, false), data: queues.toSlave },
      { tty: ptyInfoId(index, true), data: queues.toMaster },
    ].filter((chunk) => chunk.data.length > 0);
  } finally {
    close(slave);
  }
}

export const terminals: FdKind = {
  type: 'TTY',
  matches: ({ stat }) => ptySideOf(stat) !== undefined,
  dump(subject: FdSubject, id: FileId): void {
    const side = ptySideOf(subject.stat) as PtySide;
    const where = `task ${subject.pid} fd ${subject.fd}`;
    const fd = copyFdFromProcess(subject.pid, subject.fd);
    try {
      const index = side === 'master' ? terminal.ptyIndex(fd) : slaveIndexOf(subject.stat.rdev);
      const info = ptyInfoId(index, side === 'master');
      subject.files.add(ttyFileEntry({ id, info, flags: toOpenFlags(subject.flags), owner: NO_OWNER, pathFile: recordOpenedPath(subject) }));
      const dumped = terminalsOfDump(subject.files);
      if (dumped.infos.has(info)) return;
      const device = describeDevice(subject, fd, side, info, index);
      dumped.infos.set(info, device);
      if (side === 'master') dumped.data.push(...queuedData(fd, device, index, where));
    } finally {
      close(fd);
    }
  },
  checkComplete(files: FileSet): void {
    // A slave met only in tasks it does not control learns its session from its master.
    const { infos } = terminalsOfDump(files);
    for (const info of infos.values()) {
      const master = infos.get(ptyInfoId(info.ptyIndex ?? 0, true));
      if (isMasterSide(info.id) || info.session !== 0 || master === undefined) continue;
      info.session = master.session;
      info.foregroundGroup = master.foregroundGroup;
    }
  },
};

/** tty-info.img and tty-data.img of the dump. */
export function dumpedTerminalImages(files: FileSet): Map<string, DecodedImage> {
  const dumped = terminalsOfDump(files);
  return terminalImages([...dumped.infos.values()], dumped.data);
}
