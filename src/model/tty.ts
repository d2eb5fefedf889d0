/**
 * Terminals. A terminal device (one side of a pty pair) is one tty-info.img
 * entry, numbered index * 2 plus 1 for the master side; its unread input is
 * in tty-data.img under the id of the side it was read from. Its open file
 * descriptions are TTY entries of files.img, which the model keeps as
 * 'other' files and reads here; the two images stay among the checkpoint's
 * other images and are read and written here too.
 */
import { imageKindByName, type DecodedImage } from '../images';
import type { Checkpoint } from './checkpoint';
import { boolean, bytes, enumName, flags, identifier, integer, list, optional } from './codecs';
import { field, fromEntry, optionalGroup, toEntry, type Entry, type Modeled, type Rule, type Rules } from './fields';
import { OPEN_FLAG_BITS, ownerRule, type FileOwner, type OpenFlags } from './files';
import type { FileId, Pid } from './ids';
import { otherKind } from './other-kind';

export const TTY_TYPE = 'TTY';
export const TTY_INFO = 'tty-info.img';
export const TTY_DATA = 'tty-data.img';

export type TtyInfoId = number & { readonly __brand: 'TtyInfoId' };
export type TtyKind = 'UNKNOWN' | 'PTY' | 'CONSOLE' | 'VT' | 'CTTY' | 'EXT_TTY' | 'SERIAL';

export interface Termios extends Modeled {
  inputFlags: number;
  outputFlags: number;
  controlFlags: number;
  localFlags: number;
  line: number;
  inputSpeed: number;
  outputSpeed: number;
  controlChars: number[];
}

export interface WinSize extends Modeled {
  rows: number;
  columns: number;
  xPixels: number;
  yPixels: number;
}

/** One terminal device (tty-info.img entry). */
export interface TtyInfo extends Modeled {
  id: TtyInfoId;
  kind: TtyKind;
  /** TIOCGPTLCK: the slave cannot be opened. */
  locked: boolean;
  /** TIOCGEXCL: only root can open it again. */
  exclusive: boolean;
  /** TIOCPKT on the master. */
  packetMode: boolean;
  /** The session it controls and that session's foreground process group; 0 when none. */
  session: Pid;
  foregroundGroup: Pid;
  rdev: number;
  termios: Termios | undefined;
  lockedTermios: Termios | undefined;
  winSize: WinSize | undefined;
  /** The pty pair's index: the slave is /dev/pts/INDEX. */
  ptyIndex: number | undefined;
  dev: number | undefined;
}

/** An open terminal description (the `tty` sub-message of a files.img entry). */
export interface TtyFile extends Modeled {
  id: FileId;
  info: TtyInfoId;
  flags: OpenFlags;
  owner: FileOwner;
  /** The regular-file description of the path it was opened by (/dev/ptmx, /dev/pts/N, /dev/tty). */
  pathFile: FileId | undefined;
}

/** Bytes written to one side of a pty and not read yet on the other, by the id of the side that would read them. */
export interface TtyData extends Modeled {
  tty: TtyInfoId;
  data: Buffer;
}

export const ptyInfoId = (index: number, master: boolean): TtyInfoId => (index * 2 + (master ? 1 : 0)) as TtyInfoId;
/** /dev/tty, the calling session's controlling terminal: numbered as an index (1006) past every pty's, as CRIU does. */
export const CONTROLLING_TTY_INFO = (1006 * 2) as TtyInfoId;
export const isMasterSide = (id: TtyInfoId): boolean => id % 2 === 1;
export const ptyIndexOf = (id: TtyInfoId): number => Math.floor(id / 2);

const termiosRule = (path: string): Rule<Termios | undefined> =>
  optionalGroup<Termios>(path, {
    inputFlags: field('c_iflag', integer),
    outputFlags: field('c_oflag', integer),
    controlFlags: field('c_cflag', integer),
    localFlags: field('c_lflag', integer),
    line: field('c_line', integer),
    inputSpeed: field('c_ispeed', integer),
    outputSpeed: field('c_ospeed', integer),
    controlChars: field('c_cc', list(integer)),
  });

const ttyInfoRules: Rules<TtyInfo> = {
  id: field('id', identifier<TtyInfoId>()),
  kind: field('type', enumName<TtyKind>(['UNKNOWN', 'PTY', 'CONSOLE', 'VT', 'CTTY', 'EXT_TTY', 'SERIAL'])),
  locked: field('locked', boolean),
  exclusive: field('exclusive', boolean),
  packetMode: field('packet_mode', boolean),
  session: field('sid', identifier<Pid>()),
  foregroundGroup: field('pgrp', identifier<Pid>()),
  rdev: field('rdev', integer),
  termios: termiosRule('termios'),
  lockedTermios: termiosRule('termios_locked'),
  winSize: optionalGroup<WinSize>('winsize', {
    rows: field('ws_row', integer),
    columns: field('ws_col', integer),
    xPixels: field('ws_xpixel', integer),
    yPixels: field('ws_ypixel', integer),
  }),
  ptyIndex: field('pty.index', optional(integer)),
  dev: field('dev', optional(integer)),
};

const ttyFileRules: Rules<TtyFile> = {
  id: field('id', identifier<FileId>()),
  info: field('tty_info_id', identifier<TtyInfoId>()),
  flags: field('flags', flags(OPEN_FLAG_BITS)),
  owner: ownerRule,
  pathFile: field('regf_id', optional(identifier<FileId>())),
};

const ttyDataRules: Rules<TtyData> = { tty: field('tty_id', identifier<TtyInfoId>()), data: field('data', bytes) };

const ttyKind = otherKind<TtyFile>(TTY_TYPE, 'tty', ttyFileRules);
/** The tty description behind a files.img entry, or undefined for other kinds. */
export const ttyFileOf = ttyKind.of;
/** A tty description as the files.img entry the model keeps. */
export const ttyFileEntry = ttyKind.entry;


/** The terminals of a checkpoint: every TTY description of a pty, device and unread input. */
export interface Terminals {
  files: TtyFile[];
  infos: Map<TtyInfoId, TtyInfo>;
  data: TtyData[];
}

/** Whether the checkpoint holds the master of pty `index`: the pair is the tree's own, not the terminal of the shell it ran from. */
export const hasMaster = (terminals: Terminals, index: number): boolean => terminals.files.some((file) => file.info === ptyInfoId(index, true));

const entriesOf = (checkpoint: Checkpoint, name: string): Entry[] => checkpoint.otherImages.get(name)?.entries ?? [];

export function terminalsOf(checkpoint: Checkpoint): Terminals {
  const files = [...checkpoint.files.values()].flatMap((file) => ttyFileOf(file) ?? []).filter((file) => file.info !== CONTROLLING_TTY_INFO);
  const infos = entriesOf(checkpoint, TTY_INFO).map((entry) => fromEntry(entry, ttyInfoRules));
  return { files, infos: new Map(infos.map((info) => [info.id, info])), data: entriesOf(checkpoint, TTY_DATA).map((entry) => fromEntry(entry, ttyDataRules)) };
}

function image(kindName: string, entries: Entry[]): DecodedImage {
  const kind = imageKindByName(kindName);
  if (kind === undefined) throw new Error(`no image kind ${kindName}`);
  return { kind, entries };
}

/** tty-info.img and tty-data.img as other images of a checkpoint; none when there are no terminals. */
export function terminalImages(infos: readonly TtyInfo[], data: readonly TtyData[]): Map<string, DecodedImage> {
  const images = new Map<string, DecodedImage>();
  if (infos.length > 0) images.set(TTY_INFO, image('TTY_INFO', infos.map((info) => toEntry(info, ttyInfoRules))));
  if (data.length > 0) images.set(TTY_DATA, image('TTY_DATA', data.map((chunk) => toEntry(chunk, ttyDataRules))));
  return images;
}
