/**
 * Terminal ioctls (ioctl_tty(2), ioctl_pty... see tty_ioctl(4)) on x86_64:
 * line settings (struct termios2), window size, and the pty master's index,
 * lock, packet mode and peer. On a pty master the termios and window-size
 * requests act on its slave.
 */
import { ioctlBuffer, ioctlInt } from './fd';
import type { Fd } from './types';

const TCGETS2 = 0x802c542an;
const TCSETS2 = 0x402c542bn;
const TIOCGLCKTRMIOS = 0x5456n;
const TIOCSLCKTRMIOS = 0x5457n;
const TIOCGWINSZ = 0x5413n;
const TIOCSWINSZ = 0x5414n;
const TIOCGPTN = 0x80045430n;
const TIOCSPTLCK = 0x40045431n;
const TIOCGPTLCK = 0x80045439n;
const TIOCPKT = 0x5420n;
const TIOCGPKT = 0x80045438n;
const TIOCEXCL = 0x540cn;
const TIOCGEXCL = 0x80045440n;
const TIOCINQ = 0x541bn;
const TIOCGPTPEER = 0x5441n;
const TIOCGSID = 0x5429n;
const TIOCGPGRP = 0x540fn;
export const TIOCSCTTY = 0x540en;
export const TIOCSPGRP = 0x5410n;

/** Number of control characters in the kernel's termios (NCCS of <asm/termbits.h>). */
export const CONTROL_CHARS = 19;
/** struct termios: four flag words, c_line, c_cc; struct termios2 adds the two speeds. */
const TERMIOS_SIZE = 36;
const TERMIOS2_SIZE = 44;

export interface LineSettings {
  inputFlags: number;
  outputFlags: number;
  controlFlags: number;
  localFlags: number;
  line: number;
  controlChars: number[];
  inputSpeed: number;
  outputSpeed: number;
}

export interface WindowSize {
  rows: number;
  columns: number;
  xPixels: number;
  yPixels: number;
}

function parseTermios(raw: Buffer): LineSettings {
  return {
    inputFlags: raw.readUInt32LE(0),
    outputFlags: raw.readUInt32LE(4),
    controlFlags: raw.readUInt32LE(8),
    localFlags: raw.readUInt32LE(12),
    line: raw[16],
    controlChars: [...raw.subarray(17, 17 + CONTROL_CHARS)],
    inputSpeed: raw.length >= TERMIOS2_SIZE ? raw.readUInt32LE(36) : 0,
    outputSpeed: raw.length >= TERMIOS2_SIZE ? raw.readUInt32LE(40) : 0,
  };
}

function termiosBytes(settings: LineSettings, size: number): Buffer {
  const raw = Buffer.alloc(size);
  [settings.inputFlags, settings.outputFlags, settings.controlFlags, settings.localFlags].forEach((word, i) => raw.writeUInt32LE(word, 4 * i));
  raw[16] = settings.line;
  settings.controlChars.slice(0, CONTROL_CHARS).forEach((char, i) => (raw[17 + i] = char));
  if (size >= TERMIOS2_SIZE) {
    raw.writeUInt32LE(settings.inputSpeed, 36);
    raw.writeUInt32LE(settings.outputSpeed, 40);
  }
  return raw;
}

function readStruct(fd: Fd, request: bigint, size: number): Buffer {
  const raw = Buffer.alloc(size);
  ioctlBuffer(fd, request, raw);
  return raw;
}

function readInt(fd: Fd, request: bigint): number {
  return readStruct(fd, request, 4).readInt32LE(0);
}

function writeInt(fd: Fd, request: bigint, value: number): void {
  const raw = Buffer.alloc(4);
  raw.writeInt32LE(value);
  ioctlBuffer(fd, request, raw);
}

export const getLineSettings = (fd: Fd): LineSettings => parseTermios(readStruct(fd, TCGETS2, TERMIOS2_SIZE));
export const setLineSettings = (fd: Fd, settings: LineSettings): void => void ioctlBuffer(fd, TCSETS2, termiosBytes(settings, TERMIOS2_SIZE));
/** The bits and characters TIOCSLCKTRMIOS froze: set ones cannot be changed by tcsetattr. */
export const getLockedSettings = (fd: Fd): LineSettings => parseTermios(readStruct(fd, TIOCGLCKTRMIOS, TERMIOS_SIZE));
export const setLockedSettings = (fd: Fd, settings: LineSettings): void => void ioctlBuffer(fd, TIOCSLCKTRMIOS, termiosBytes(settings, TERMIOS_SIZE));

export function getWindowSize(fd: Fd): WindowSize {
  const raw = readStruct(fd, TIOCGWINSZ, 8);
  return { rows: raw.readUInt16LE(0), columns: raw.readUInt16LE(2), xPixels: raw.readUInt16LE(4), yPixels: raw.readUInt16LE(6) };
}

export function setWindowSize(fd: Fd, size: WindowSize): void {
  const raw = Buffer.alloc(8);
  [size.rows, size.columns, size.xPixels, size.yPixels].forEach((value, i) => raw.writeUInt16LE(value, 2 * i));
  ioctlBuffer(fd, TIOCSWINSZ, raw);
}

/** The pty index of a master: its slave is /dev/pts/INDEX. */
export const ptyIndex = (master: Fd): number => readInt(master, TIOCGPTN);
export const isPtyLocked = (master: Fd): boolean => readInt(master, TIOCGPTLCK) !== 0;
export const setPtyLocked = (master: Fd, locked: boolean): void => writeInt(master, TIOCSPTLCK, locked ? 1 : 0);
export const isPacketMode = (master: Fd): boolean => readInt(master, TIOCGPKT) !== 0;
export const setPacketMode = (master: Fd, on: boolean): void => writeInt(master, TIOCPKT, on ? 1 : 0);
export const isExclusive = (fd: Fd): boolean => readInt(fd, TIOCGEXCL) !== 0;
export const setExclusive = (fd: Fd): void => void ioctlInt(fd, TIOCEXCL);
/** Bytes waiting to be read on this side (in canonical mode, only whole lines). */
export const unreadBytes = (fd: Fd): number => readInt(fd, TIOCINQ);
/** A new description of the master's slave, opened with `flags`, whatever devpts mount it lives in. */
export const openPtyPeer = (master: Fd, flags: number): Fd => ioctlInt(master, TIOCGPTPEER, BigInt(flags)) as Fd;
/** The session the terminal controls; asked on a pty master it answers for its slave. */
export const terminalSession = (fd: Fd): number => readInt(fd, TIOCGSID);
export const foregroundGroup = (fd: Fd): number => readInt(fd, TIOCGPGRP);
