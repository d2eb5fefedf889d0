/** Open files and what they share to and from their images: files.img, fdinfo-N.img, file locks, pipe and FIFO data, socket queues, remaps and ghosts. */
import { bytes, optional } from './codecs';
import type { Checkpoint } from './checkpoint';
import { field, fromEntry, toEntry, type Entry, type Rules } from './fields';
import { fileLockRules } from './file-locks';
import { openFileFromEntry, openFileToEntry, type OpenFile } from './files';
import type { FileId } from './ids';
import type { ImageDirectory } from './image-directory';
import { FDINFO_NAME, fdinfoImage, FIFO_DATA, FILE_LOCKS, FILES, GHOST_NAME, ghostImage, PIPES_DATA, REMAP_FPATH, SK_QUEUES } from './image-names';
import type { ImageToWrite } from './image-set';
import { fileRemapRules, ghostHeaderRules, pipeContentsEntry, queuedPacketEntry, type GhostFile } from './shared';
import { fdEntryRules, type FdTable } from './task';

type FileObjects = Pick<Checkpoint, 'files' | 'fdTables' | 'fileLocks' | 'pipeContents' | 'fifoContents' | 'socketQueues' | 'remaps' | 'ghosts'>;
type GhostHeader = Omit<GhostFile, 'remapId' | 'chunks'>;

const ghostRules: Rules<GhostHeader> = { ...ghostHeaderRules, contents: field('extra', optional(bytes)) };

async function readEach<T>(images: ImageDirectory, name: string, kind: string, convert: (entry: Entry) => T): Promise<T[]> {
  const entries = (await images.readIfPresent(name, kind)) ?? [];
  return entries.map((entry, i) => images.convert(name, i, () => convert(entry)));
}

async function readFdTables(images: ImageDirectory): Promise<Map<number, FdTable>> {
  const tables = new Map<number, FdTable>();
  for (const name of images.unreadMatching(FDINFO_NAME)) {
    const id = Number(FDINFO_NAME.exec(name)![1]);
    tables.set(id, { id, fds: await readEach(images, name, 'FDINFO', (entry) => fromEntry(entry, fdEntryRules)) });
  }
  return tables;
}

async function readGhosts(images: ImageDirectory): Promise<GhostFile[]> {
  const ghosts: GhostFile[] = [];
  for (const name of images.unreadMatching(GHOST_NAME)) {
    const [header, ...chunks] = await images.read(name, 'GHOST_FILE', 'it is listed');
    const remapId = parseInt(GHOST_NAME.exec(name)![1], 16);
    ghosts.push({ remapId, ...images.convert(name, 0, () => fromEntry(header, ghostRules)), chunks });
  }
  return ghosts;
}

export async function readFileObjects(images: ImageDirectory): Promise<FileObjects> {
  const files = await readEach(images, FILES, 'FILES', openFileFromEntry);
  return {
    files: new Map<FileId, OpenFile>(files.map((file) => [file.id, file])),
    fdTables: await readFdTables(images),
    fileLocks: await readEach(images, FILE_LOCKS, 'FILE_LOCKS', (entry) => fromEntry(entry, fileLockRules)),
    pipeContents: await readEach(images, PIPES_DATA, 'PIPES_DATA', pipeContentsEntry.read),
    fifoContents: await readEach(images, FIFO_DATA, 'FIFO_DATA', pipeContentsEntry.read),
    socketQueues: await readEach(images, SK_QUEUES, 'SK_QUEUES', queuedPacketEntry.read),
    remaps: await readEach(images, REMAP_FPATH, 'REMAP_FPATH', (entry) => fromEntry(entry, fileRemapRules)),
    ghosts: await readGhosts(images),
  };
}

/** An image of one entry per value; none at all when there are no values, as a missing image reads as empty. */
function listImage<T>(name: string, kind: string, values: T[], write: (value: T) => Entry): ImageToWrite[] {
  return values.length === 0 ? [] : [{ name, kind, entries: values.map(write) }];
}

export function fileObjectImages(objects: FileObjects): ImageToWrite[] {
  return [
    ...listImage(FILES, 'FILES', [...objects.files.values()], openFileToEntry),
    ...[...objects.fdTables.values()].map((table) => ({ name: fdinfoImage(table.id), kind: 'FDINFO', entries: table.fds.map((fd) => toEntry(fd, fdEntryRules)) })),
    ...listImage(FILE_LOCKS, 'FILE_LOCKS', objects.fileLocks, (lock) => toEntry(lock, fileLockRules)),
    ...listImage(PIPES_DATA, 'PIPES_DATA', objects.pipeContents, pipeContentsEntry.write),
    ...listImage(FIFO_DATA, 'FIFO_DATA', objects.fifoContents, pipeContentsEntry.write),
    ...listImage(SK_QUEUES, 'SK_QUEUES', objects.socketQueues, queuedPacketEntry.write),
    ...listImage(REMAP_FPATH, 'REMAP_FPATH', objects.remaps, (remap) => toEntry(remap, fileRemapRules)),
    ...objects.ghosts.map((ghost) => ({ name: ghostImage(ghost.remapId), kind: 'GHOST_FILE', entries: [toEntry(ghost, ghostRules), ...ghost.chunks] })),
  ];
}
