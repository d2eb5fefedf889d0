/**
 * fanotify instances (files.img FANOTIFY entries, `ffy`): their
 * fanotify_init(2) flags and their marks on inodes and mounts. The model
 * keeps these entries as 'other' files; this module reads and writes them.
 */
import { bigInteger, enumName, flags, identifier, integer, list, optional, text } from './codecs';
import { field, group, messages, optionalGroup, type Modeled, type Rules } from './fields';
import { OPEN_FLAG_BITS, ownerRule, type FileHandle, type FileOwner, type OpenFlags } from './files';
import type { FileId } from './ids';
import { otherKind } from './other-kind';

export const FANOTIFY_TYPE = 'FANOTIFY';

export interface FanotifyMark extends Modeled {
  /** Images know marks on inodes and on mounts; fanotify's filesystem marks have no place in them. */
  target: 'INODE' | 'MOUNT';
  /** FAN_MARK_* flags as fdinfo shows them (FAN_MARK_IGNORED_SURV_MODIFY...). */
  markFlags: number;
  mask: number;
  ignoredMask: number;
  /** The kernel's dev_t of the filesystem. */
  device: number;
  inode: { inode: bigint; handle: FileHandle; path: string | undefined } | undefined;
  mount: { mountId: number; path: string | undefined } | undefined;
}

export interface FanotifyFile extends Modeled {
  id: FileId;
  flags: OpenFlags;
  owner: FileOwner;
  /** fanotify_init's flags (FAN_CLASS_*, FAN_NONBLOCK, FAN_REPORT_*...). */
  initFlags: number;
  /** fanotify_init's event_f_flags: the open(2) flags of the files events carry. */
  eventFlags: number;
  marks: FanotifyMark[];
}

const markRules: Rules<FanotifyMark> = {
  target: field('type', enumName(['INODE', 'MOUNT'])),
  markFlags: field('mflags', integer),
  mask: field('mask', integer),
  ignoredMask: field('ignored_mask', integer),
  device: field('s_dev', integer),
  inode: optionalGroup('ie', {
    inode: field('i_ino', bigInteger),
    handle: group('f_handle', { type: field('type', integer), size: field('bytes', integer), words: field('handle', list(bigInteger)) }),
    path: field('f_handle.path', optional(text)),
  }),
  mount: optionalGroup('me', { mountId: field('mnt_id', integer), path: field('path', optional(text)) }),
};

const fanotifyRules: Rules<FanotifyFile> = {
  id: field('id', identifier<FileId>()),
  flags: field('flags', flags(OPEN_FLAG_BITS)),
  owner: ownerRule,
  initFlags: field('faflags', integer),
  eventFlags: field('evflags', integer),
  // Marks once lived in an image of their own and named their instance by id; now it is 0.
  marks: field('mark', messages<FanotifyMark>(markRules, { id: 0 })),
};

const fanotifyKind = otherKind<FanotifyFile>(FANOTIFY_TYPE, 'ffy', fanotifyRules);
/** The fanotify description behind a files.img entry, or undefined for other kinds. */
export const fanotifyFileOf = fanotifyKind.of;
/** A fanotify description as the files.img entry the model keeps. */
export const fanotifyFileEntry = fanotifyKind.entry;

