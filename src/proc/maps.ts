/** /proc/PID/maps (proc(5), fs/proc/task_mmu.c show_map_vma). */
import * as fs from 'node:fs';
import { device, FieldError, unsigned64 } from './fields';
import { forEachLine } from './lines';
import { type Address, type Device, type Inode, type Pid, type Tid, taskPath } from './types';

/**
 * What backs a VMA. Bracketed names the kernel gives special mappings get
 * their own kinds; "[anon:NAME]" (prctl PR_SET_VMA_ANON_NAME) and
 * "[anon_shmem:NAME]" are 'named-anonymous'; other bracketed names are
 * 'special'.
 */
export type VmaKind =
  | 'file'
  | 'anonymous'
  | 'named-anonymous'
  | 'heap'
  | 'stack'
  | 'vdso'
  | 'vvar'
  | 'vvar_vclock'
  | 'vsyscall'
  | 'special';

export interface Vma {
  start: Address;
  end: Address;
  read: boolean;
  write: boolean;
  exec: boolean;
  /** MAP_SHARED ('s') rather than private ('p'). */
  shared: boolean;
  /** File offset in bytes (for anonymous mappings, the page offset the kernel keeps). */
  offset: bigint;
  device: Device;
  inode: Inode;
  kind: VmaKind;
  /**
   * 'file': the path, unescaped and without " (deleted)"; 'named-anonymous':
   * the name set by the task; 'special' and the bracketed kinds: the text as
   * printed ("[heap]"); 'anonymous': ''.
   */
  name: string;
  /** The file was unlinked: the kernel printed " (deleted)" after the path. */
  deleted: boolean;
}

const SPECIAL_KINDS: ReadonlyMap<string, VmaKind> = new Map([
  ['[heap]', 'heap'],
  ['[stack]', 'stack'],
  ['[vdso]', 'vdso'],
  ['[vvar]', 'vvar'],
  ['[vvar_vclock]', 'vvar_vclock'],
  ['[vsyscall]', 'vsyscall'],
]);

/** What the kernel prints after the path of an unlinked file, in maps and /proc links (proc(5)). */
const DELETED = ' (deleted)';

/** A path as maps or a /proc link shows it: the path itself, and whether the file was unlinked. */
export function unlinkedOrNot(shown: string): { path: string; deleted: boolean } {
  const deleted = shown.endsWith(DELETED);
  return { path: deleted ? shown.slice(0, -DELETED.length) : shown, deleted };
}
const LINE = /^([0-9a-f]+)-([0-9a-f]+) ([r-])([w-])([x-])([sp]) ([0-9a-f]+) ([0-9a-f]+:[0-9a-f]+) ([0-9]+) *(.*)$/;

function backing(text: string): Pick<Vma, 'kind' | 'name' | 'deleted'> {
  if (text === '') return { kind: 'anonymous', name: '', deleted: false };
  if (text.startsWith('[')) {
    const named = /^\[anon(?:_shmem)?:(.*)\]$/.exec(text);
    if (named !== null) return { kind: 'named-anonymous', name: named[1], deleted: false };
    return { kind: SPECIAL_KINDS.get(text) ?? 'special', name: text, deleted: false };
  }
  const { path, deleted } = unlinkedOrNot(text);
  // seq_file_path escapes only "\n" (as "\012"); a backslash is printed as is.
  return { kind: 'file', name: path.replace(/\\012/g, '\n'), deleted };
}

/** Parses one maps line (also the header line of each smaps entry). */
export function parseMapsLine(line: string): Vma {
  const m = LINE.exec(line);
  if (m === null) throw new FieldError(`not a mapping: "${line}"`);
  const start = unsigned64(m[1], 'start', 16);
  const end = unsigned64(m[2], 'end', 16);
  if (end <= start) throw new FieldError(`mapping ends before it starts: "${line}"`);
  return {
    start,
    end,
    read: m[3] === 'r',
    write: m[4] === 'w',
    exec: m[5] === 'x',
    shared: m[6] === 's',
    offset: unsigned64(m[7], 'offset', 16),
    device: device(m[8], 'device', 16),
    inode: unsigned64(m[9], 'inode'),
    ...backing(m[10]),
  };
}

/** True for lines that start a mapping: "START-END ..." (smaps mixes them with "Key: value" lines). */
export function isMapsLine(line: string): boolean {
  return /^[0-9a-f]+-/.test(line);
}

/** Parses the text of a maps file; `file` names it in errors. */
export function parseMaps(text: string, file = '/proc/PID/maps'): Vma[] {
  const vmas: Vma[] = [];
  forEachLine(file, text, (line) => vmas.push(parseMapsLine(line)));
  return vmas;
}

/** Reads /proc/PID/maps (or a thread's, which is the same address space). */
export function readMaps(pid: Pid, tid?: Tid): Vma[] {
  const file = taskPath(pid, tid, 'maps');
  return parseMaps(fs.readFileSync(file, 'utf8'), file);
}
