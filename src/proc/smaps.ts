/** /proc/PID/smaps: maps lines, each followed by that VMA's memory use (proc(5)). */
import * as fs from 'node:fs';
import { FieldError, unsigned } from './fields';
import { KeyedLines } from './keyed-lines';
import { atLine, records } from './lines';
import { isMapsLine, parseMapsLine, type Vma } from './maps';
import { type Pid, procPath } from './types';
import { VmFlags } from './vm-flags';

/** Memory use of one VMA in bytes (the file prints kB). */
export interface SmapsUsage {
  size: number;
  kernelPageSize: number;
  mmuPageSize: number;
  rss: number;
  pss: number;
  sharedClean: number;
  sharedDirty: number;
  privateClean: number;
  privateDirty: number;
  referenced: number;
  anonymous: number;
  swap: number;
  locked: number;
}

export interface SmapsVma extends Vma {
  usage: SmapsUsage;
  /** Whether the VMA may use transparent huge pages ("THPeligible"). */
  thpEligible?: boolean;
  vmFlags: VmFlags;
  /** Lines not decoded above (Pss_Dirty, KSM, AnonHugePages, ...), raw by key. */
  extra: Map<string, string>;
}

/** "123 kB" -> 125952 */
function kilobytes(value: string, key: string): number {
  const match = /^(\d+) kB$/.exec(value);
  if (match === null) throw new FieldError(`${key} is not "N kB": "${value}"`);
  return unsigned(match[1], key) * 1024;
}

function usage(lines: KeyedLines): SmapsUsage {
  return {
    size: lines.take('Size', kilobytes),
    kernelPageSize: lines.take('KernelPageSize', kilobytes),
    mmuPageSize: lines.take('MMUPageSize', kilobytes),
    rss: lines.take('Rss', kilobytes),
    pss: lines.take('Pss', kilobytes),
    sharedClean: lines.take('Shared_Clean', kilobytes),
    sharedDirty: lines.take('Shared_Dirty', kilobytes),
    privateClean: lines.take('Private_Clean', kilobytes),
    privateDirty: lines.take('Private_Dirty', kilobytes),
    referenced: lines.take('Referenced', kilobytes),
    anonymous: lines.take('Anonymous', kilobytes),
    swap: lines.take('Swap', kilobytes),
    locked: lines.take('Locked', kilobytes),
  };
}

function smapsVma(vma: Vma, lines: KeyedLines): SmapsVma {
  return {
    ...vma,
    usage: usage(lines),
    thpEligible: lines.takeOptional('THPeligible', (value, key) => unsigned(value, key) !== 0),
    vmFlags: lines.take('VmFlags', VmFlags.parse),
    extra: lines.rest(),
  };
}

/** Parses the text of an smaps file; `file` names it in errors. */
export function parseSmaps(text: string, file = '/proc/PID/smaps'): SmapsVma[] {
  return records(file, text, isMapsLine).map(([header, ...lines]) => {
    const vma = atLine(file, header.lineNumber, () => parseMapsLine(header.line));
    return smapsVma(vma, new KeyedLines(file, lines));
  });
}

export function readSmaps(pid: Pid): SmapsVma[] {
  const file = procPath(pid, 'smaps');
  return parseSmaps(fs.readFileSync(file, 'utf8'), file);
}
