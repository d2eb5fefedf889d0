/** The typed model as a checkpoint directory of images. */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { encodeImage } from '../images';
import type { Checkpoint } from './checkpoint';
import { inventoryRules } from './checkpoint';
import { toEntry } from './fields';
import { fileObjectImages } from './file-images';
import { INVENTORY, PSTREE } from './image-names';
import type { ImageToWrite } from './image-set';
import { ipcNamespaceImages } from './ipc';
import { namespaceImages } from './namespace-images';
import { sharedMemoryImages } from './shared-memory';
import { taskImages, treeEntryOf } from './task-images';

function checkpointImages(checkpoint: Checkpoint): ImageToWrite[] {
  const other = [...checkpoint.otherImages].map(([name, image]) => ({ name, kind: image.kind.name, entries: image.entries }));
  return [
    { name: INVENTORY, kind: 'INVENTORY', entries: [toEntry(checkpoint.inventory, inventoryRules)] },
    { name: PSTREE, kind: 'PSTREE', entries: checkpoint.tasks.map(treeEntryOf) },
    ...checkpoint.tasks.flatMap(taskImages),
    ...fileObjectImages(checkpoint),
    ...sharedMemoryImages(checkpoint.sharedMemory),
    ...namespaceImages(checkpoint),
    ...ipcNamespaceImages(checkpoint.ipcNamespaces),
    ...other,
  ];
}

/**
 * Writes the checkpoint's images into `directory` (created if needed) and
 * copies its raw images (page contents) there unless they already are.
 */
export async function writeCheckpoint(checkpoint: Checkpoint, directory: string): Promise<void> {
  fs.mkdirSync(directory, { recursive: true });
  // Written synchronously: a checkpoint's images are small, and a dump writes them while the tree is frozen,
  // where each await of an asynchronous write cost more than the write itself.
  for (const image of checkpointImages(checkpoint)) {
    fs.writeFileSync(path.join(directory, image.name), encodeImage({ magic: image.kind, entries: image.entries }, image.name));
  }
  const { rawImages } = checkpoint;
  if (path.resolve(rawImages.directory) === path.resolve(directory)) return;
  for (const name of rawImages.names) await fsp.copyFile(path.join(rawImages.directory, name), path.join(directory, name));
}
