import type { ImageDir } from './image-dir';
import type { FileEntry, FileId } from './entries';

/**
 * What crit calls a file: a path for regular files, `pipe[ID]`,
 * `unix[INO (PEER) NAME]`, and `TYPE.ID` for every other kind.
 * Looked up by file id in files.img, which is read once.
 */
export class FileNames {
  private byId: Promise<Map<FileId, FileEntry>> | undefined;

  constructor(private readonly images: ImageDir) {}

  async describe(type: string | number, id: FileId): Promise<string> {
    if (type !== 'REG' && type !== 'PIPE' && type !== 'UNIXSK') return `${type}.${id}`;
    const file = (await this.files()).get(id);
    if (type === 'REG') return file?.reg?.name || 'unknown path';
    if (type === 'PIPE') return file?.pipe ? `pipe[${file.pipe.pipe_id}]` : 'pipe[?]';
    const socket = file?.usk;
    if (socket === undefined) return 'unix[?]';
    return `unix[${socket.ino} (${socket.peer})${socket.name ? ' ' + socket.name : ''}]`;
  }

  /** The path of the regular file `id` (executables, mapped files, cwd, root). */
  path(id: FileId): Promise<string> {
    return this.describe('REG', id);
  }

  private files(): Promise<Map<FileId, FileEntry>> {
    this.byId ??= this.images.entries<FileEntry>('files.img').then((entries) => {
      const byId = new Map<FileId, FileEntry>();
      // crit takes the first file with a given id.
      for (const file of entries) if (!byId.has(file.id)) byId.set(file.id, file);
      return byId;
    });
    return this.byId;
  }
}
