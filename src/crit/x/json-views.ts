/**
 * The JSON forms of the crit-compatible views (ps, fds, mems, rss): the same
 * facts as structured data, without crit's text layout. Addresses are hex
 * strings, as JSON numbers cannot hold every 64-bit value.
 */
import { AmberError } from '../../errors';
import type { FdinfoEntry, FsEntry, IdsEntry, Integer, PagemapEntry, VmaEntry } from './entries';
import { u64 } from './entries';
import type { FileNames } from './file-names';
import type { ImageDir } from './image-dir';
import { readTasks, type Task } from './tasks';
import { mapsFile, pagesToBytes, readMm, VmaStatus } from './vma';

const hex = (value: Integer): string => `0x${u64(value).toString(16)}`;

/** One object per task; a zombie's holds only what readTasks knows, as it owns no files or memory. */
async function perTaskObjects(images: ImageDir, describe: (task: Task) => Promise<object>): Promise<object[]> {
  const objects: object[] = [];
  for (const task of await readTasks(images)) objects.push({ pid: task.pid, ...(task.zombie ? {} : await describe(task)) });
  return objects;
}

export function psJson(images: ImageDir): Promise<unknown> {
  return readTasks(images);
}

export function fdsJson(images: ImageDir, names: FileNames): Promise<unknown> {
  return perTaskObjects(images, async ({ pid }) => {
    const idsFile = `ids-${pid}.img`;
    const { files_id } = await images.first<IdsEntry>(idsFile);
    if (files_id === undefined) throw new AmberError(`${images.path(idsFile)}: no files_id: the task's fd table is unknown`);
    const fds = [];
    for (const { fd, type, id } of await images.entries<FdinfoEntry>(`fdinfo-${files_id}.img`)) fds.push({ fd, type, id, file: await names.describe(type, id) });
    const fs = await images.first<FsEntry>(`fs-${pid}.img`);
    return { fds, cwd: await names.path(fs.cwd_id), root: await names.path(fs.root_id) };
  });
}

const protectionText = (prot: number): string => (prot & 1 ? 'r' : '-') + (prot & 2 ? 'w' : '-') + (prot & 4 ? 'x' : '-');

async function vmaObject(vma: VmaEntry, names: FileNames): Promise<object> {
  const kinds = Object.entries(VmaStatus).filter(([, bit]) => (vma.status & bit) !== 0).map(([name]) => name);
  const backing = mapsFile(vma) ? { file: await names.path(Number(vma.shmid)), offset: hex(vma.pgoff) } : {};
  return { start: hex(vma.start), end: hex(vma.end), protection: protectionText(vma.prot), kinds, ...backing };
}

export function memsJson(images: ImageDir, names: FileNames): Promise<unknown> {
  return perTaskObjects(images, async ({ pid }) => {
    const { exeFileId, vmas } = await readMm(images, pid);
    const objects = [];
    for (const vma of vmas) objects.push(await vmaObject(vma, names));
    return { exe: await names.path(exeFileId), vmas: objects };
  });
}

/** Each dumped page range with the starts of the VMAs it overlaps. */
export function rssJson(images: ImageDir): Promise<unknown> {
  return perTaskObjects(images, async ({ pid }) => {
    const { vmas } = await readMm(images, pid);
    // The first pagemap entry names the pages file; the ranges follow it.
    const ranges = await images.entriesWith<PagemapEntry>(`pagemap-${pid}.img`, ['vaddr', 'nr_pages'], 1);
    return {
      ranges: ranges.map((range) => {
        const start = u64(range.vaddr);
        const end = start + pagesToBytes(range.nr_pages);
        const overlapping = vmas.filter((vma) => u64(vma.start) < end && u64(vma.end) > start);
        return { start: hex(start), pages: range.nr_pages, vmas: overlapping.map((vma) => hex(vma.start)) };
      }),
    };
  });
}
