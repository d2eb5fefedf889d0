/** /proc/PID/mountinfo (proc(5), fs/proc_namespace.c show_mountinfo). */
import * as fs from 'node:fs';
import { device, FieldError, unescapeOctal, unsigned } from './fields';
import { forEachLine } from './lines';
import { type Device, type Pid, procPath } from './types';

/** Mount propagation from the optional fields; all absent for a private mount. */
export interface Propagation {
  /** Peer group this mount shares events with ("shared:N"). */
  shared?: number;
  /** Peer group this mount receives events from ("master:N"). */
  master?: number;
  /** Nearest dominant peer group visible here, when the master is not ("propagate_from:N"). */
  propagateFrom?: number;
  unbindable: boolean;
}

export interface MountInfo {
  mountId: number;
  parentId: number;
  device: Device;
  /** The directory of the filesystem that is mounted here. */
  root: string;
  /** Where it is mounted, relative to the reader's root. */
  mountPoint: string;
  /** Per-mount options: rw, nosuid, relatime, ... */
  mountOptions: string[];
  propagation: Propagation;
  /** "ext4", or "type.subtype" for FUSE. */
  fsType: string;
  /** "/dev/vda", "tmpfs", "none", ... */
  source: string;
  /** Per-superblock options. */
  superOptions: string[];
}

/** Comma-separated options; commas inside values are escaped, so split before unescaping. */
function options(text: string): string[] {
  return text === '' ? [] : text.split(',').map(unescapeOctal);
}

function propagation(fields: string[]): Propagation {
  const result: Propagation = { unbindable: false };
  for (const field of fields) {
    const [tag, value] = field.split(':');
    if (tag === 'shared') result.shared = unsigned(value, 'shared peer group');
    else if (tag === 'master') result.master = unsigned(value, 'master peer group');
    else if (tag === 'propagate_from') result.propagateFrom = unsigned(value, 'propagate_from peer group');
    else if (tag === 'unbindable') result.unbindable = true;
    // proc(5): parsers must ignore optional fields they do not know.
  }
  return result;
}

export function parseMountInfoLine(line: string): MountInfo {
  const fields = line.split(' ');
  const separator = fields.indexOf('-', 6);
  if (fields.length < 10 || separator < 0 || fields.length !== separator + 4) {
    throw new FieldError(`expected "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER", got "${line}"`);
  }
  return {
    mountId: unsigned(fields[0], 'mount id'),
    parentId: unsigned(fields[1], 'parent id'),
    device: device(fields[2], 'device', 10),
    root: unescapeOctal(fields[3]),
    mountPoint: unescapeOctal(fields[4]),
    mountOptions: options(fields[5]),
    propagation: propagation(fields.slice(6, separator)),
    fsType: unescapeOctal(fields[separator + 1]),
    source: unescapeOctal(fields[separator + 2]),
    superOptions: options(fields[separator + 3]),
  };
}

/** Parses the text of a mountinfo file; `file` names it in errors. */
export function parseMountInfo(text: string, file = '/proc/PID/mountinfo'): MountInfo[] {
  const mounts: MountInfo[] = [];
  forEachLine(file, text, (line) => mounts.push(parseMountInfoLine(line)));
  return mounts;
}

export function readMountInfo(pid: Pid): MountInfo[] {
  const file = procPath(pid, 'mountinfo');
  return parseMountInfo(fs.readFileSync(file, 'utf8'), file);
}
