import type { ImageDir } from './image-dir';
import { u64, type Pid, type VmaEntry } from './entries';
import type { FileNames } from './file-names';
import { perTask } from './tasks';
import { MAP_GROWSDOWN, VmaStatus, hex8, mapsFile, readMm } from './vma';

const RANGE_WIDTH = 36;

/** Each task's executable and memory map: range, protection, and what backs it. */
export function exploreMems(images: ImageDir, names: FileNames): Promise<string[]> {
  const shared = new SharedIds();
  return perTask(images, async (pid: Pid) => {
    const { exeFileId, vmas } = await readMm(images, pid);
    const lines = [`\t${'exe'.padEnd(RANGE_WIDTH)}    ${await names.path(exeFileId)}`];
    for (const vma of vmas) {
      const range = `${hex8(u64(vma.start))}-${hex8(u64(vma.end))}`;
      lines.push(`\t${range.padEnd(RANGE_WIDTH)}${protection(vma.prot)}${await backing(vma, names, shared)}`);
    }
    return lines;
  });
}

function protection(prot: number): string {
  return (prot & 1 ? 'r' : '-') + (prot & 2 ? 'w' : '-') + (prot & 4 ? 'x' : '-');
}

async function backing(vma: VmaEntry, names: FileNames, shared: SharedIds): Promise<string> {
  const status = vma.status;
  let what: string;
  if (status & VmaStatus.sysvIpc) what = ` ips[${shared.get(vma.shmid)}]`;
  else if (status & VmaStatus.anonShared) what = ` shmem[${shared.get(vma.shmid)}]`;
  else if (status & VmaStatus.socket) what = ` packet[${shared.get(vma.shmid)}]`;
  else if (mapsFile(vma)) what = ` ${await mappedFile(vma, names)}`;
  else if (status & VmaStatus.stack) what = ' [stack]';
  else if (status & VmaStatus.vsyscall) what = ' [vsyscall]';
  else if (status & VmaStatus.vdso) what = ' [vdso]';
  else if (vma.flags & MAP_GROWSDOWN) what = ' [stack?]';
  else what = '';
  // Areas CRIU does not restore as ordinary memory are starred.
  return status & VmaStatus.regular ? what : what + ' *';
}

async function mappedFile(vma: VmaEntry, names: FileNames): Promise<string> {
  const offset = u64(vma.pgoff);
  let what = await names.path(Number(vma.shmid));
  if (offset !== 0n) what += ` + 0x${offset.toString(16)}`;
  if (vma.status & VmaStatus.fileShared) what += ' (s)';
  return what;
}

/** Small numbers, from 1 in order of first sight, for shared-memory ids. */
class SharedIds {
  private readonly numbers = new Map<bigint, number>();

  get(shmid: VmaEntry['shmid']): string {
    const key = u64(shmid);
    let number = this.numbers.get(key);
    if (number === undefined) {
      number = this.numbers.size + 1;
      this.numbers.set(key, number);
    }
    return number.toString(16);
  }
}
