/** Each mapping of a task with the file behind it, if any, and whether that file can be read here. */
import * as fsp from 'node:fs/promises';
import { asFileId, type Checkpoint, type Memory, type Vma } from '../../model';

export interface MappedFile {
  path: string;
  /** The file exists on this system with the size it had when dumped, so its bytes may stand for pages not dumped. */
  readable: boolean;
}

export interface Mapping {
  vma: Vma;
  file: MappedFile | undefined;
}

const mapsFile = (vma: Vma): boolean => vma.kind.filePrivate || vma.kind.fileShared;

async function sameFileHere(path: string, size: bigint | undefined): Promise<boolean> {
  try {
    const found = await fsp.stat(path, { bigint: true });
    return found.isFile() && (size === undefined || found.size === size);
  } catch {
    return false;
  }
}

/** The mappings in address order; a file mapping's shmid is the mapped file's id in files.img. */
export async function resolveMappings(checkpoint: Checkpoint, memory: Memory): Promise<Mapping[]> {
  const byId = new Map<number, Promise<MappedFile | undefined>>();
  const fileOf = (vma: Vma): Promise<MappedFile | undefined> => {
    const id = Number(vma.shmid);
    let found = byId.get(id);
    if (found === undefined) {
      const file = checkpoint.files.get(asFileId(id));
      // Only regular files have a path; a memfd mapping, say, does not.
      found = file?.kind === 'regular' ? sameFileHere(file.path, file.size).then((readable) => ({ path: file.path, readable })) : Promise.resolve(undefined);
      byId.set(id, found);
    }
    return found;
  };
  const sorted = [...memory.vmas].sort((a, b) => (a.start < b.start ? -1 : 1));
  return Promise.all(sorted.map(async (vma) => ({ vma, file: mapsFile(vma) ? await fileOf(vma) : undefined })));
}
