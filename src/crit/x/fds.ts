import { AmberError } from '../../errors';
import type { ImageDir } from './image-dir';
import type { FdinfoEntry, FsEntry, IdsEntry, Pid } from './entries';
import type { FileNames } from './file-names';
import { perTask } from './tasks';

const LABEL_WIDTH = 7;

/** Each task's open fds, then its cwd and root. */
export function exploreFds(images: ImageDir, names: FileNames): Promise<string[]> {
  return perTask(images, async (pid: Pid) => {
    const idsFile = `ids-${pid}.img`;
    const { files_id } = await images.first<IdsEntry>(idsFile);
    if (files_id === undefined) throw new AmberError(`${images.path(idsFile)}: no files_id: the task's fd table is unknown`);
    const lines: string[] = [];
    for (const fd of await images.entries<FdinfoEntry>(`fdinfo-${files_id}.img`)) {
      lines.push(labelled(String(fd.fd), await names.describe(fd.type, fd.id)));
    }
    const fs = await images.first<FsEntry>(`fs-${pid}.img`);
    lines.push(labelled('cwd', await names.path(fs.cwd_id)), labelled('root', await names.path(fs.root_id)));
    return lines;
  });
}

function labelled(label: string, what: string): string {
  return `\t${label.padStart(LABEL_WIDTH)}: ${what}`;
}
