/** /proc/PID/auxv: the ELF auxiliary vector, pairs of native u64 (getauxval(3), include/uapi/linux/auxvec.h). */
import * as fs from 'node:fs';
import { fileError } from './lines';
import { type Pid, procPath } from './types';

const AUXV_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'AT_NULL'],
  [1, 'AT_IGNORE'],
  [2, 'AT_EXECFD'],
  [3, 'AT_PHDR'],
  [4, 'AT_PHENT'],
  [5, 'AT_PHNUM'],
  [6, 'AT_PAGESZ'],
  [7, 'AT_BASE'],
  [8, 'AT_FLAGS'],
  [9, 'AT_ENTRY'],
  [10, 'AT_NOTELF'],
  [11, 'AT_UID'],
  [12, 'AT_EUID'],
  [13, 'AT_GID'],
  [14, 'AT_EGID'],
  [15, 'AT_PLATFORM'],
  [16, 'AT_HWCAP'],
  [17, 'AT_CLKTCK'],
  [23, 'AT_SECURE'],
  [24, 'AT_BASE_PLATFORM'],
  [25, 'AT_RANDOM'],
  [26, 'AT_HWCAP2'],
  [27, 'AT_RSEQ_FEATURE_SIZE'],
  [28, 'AT_RSEQ_ALIGN'],
  [29, 'AT_HWCAP3'],
  [30, 'AT_HWCAP4'],
  [31, 'AT_EXECFN'],
  [32, 'AT_SYSINFO'],
  [33, 'AT_SYSINFO_EHDR'],
  [51, 'AT_MINSIGSTKSZ'],
]);

export interface AuxvEntry {
  type: number;
  /** "AT_PAGESZ", or "AT_<n>" for types amber has no name for. */
  name: string;
  value: bigint;
}

const PAIR_SIZE = 16;

/** Decodes the entries before AT_NULL. */
export function parseAuxv(bytes: Buffer, file = '/proc/PID/auxv'): AuxvEntry[] {
  if (bytes.length % PAIR_SIZE !== 0) throw fileError(file, `${bytes.length} bytes is not a whole number of pairs`);
  const entries: AuxvEntry[] = [];
  for (let offset = 0; offset < bytes.length; offset += PAIR_SIZE) {
    const type = Number(bytes.readBigUInt64LE(offset));
    if (type === 0) return entries;
    entries.push({ type, name: AUXV_NAMES.get(type) ?? `AT_${type}`, value: bytes.readBigUInt64LE(offset + 8) });
  }
  throw fileError(file, 'no AT_NULL entry at the end');
}

export function readAuxv(pid: Pid): AuxvEntry[] {
  const file = procPath(pid, 'auxv');
  return parseAuxv(fs.readFileSync(file), file);
}
