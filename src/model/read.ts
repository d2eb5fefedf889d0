/** A checkpoint directory's images as the typed model. */
import type { Checkpoint } from './checkpoint';
import { inventoryRules } from './checkpoint';
import { fromEntry } from './fields';
import { readFileObjects } from './file-images';
import { ImageDirectory } from './image-directory';
import { readIpcNamespaces } from './ipc';
import { readNamespaceObjects } from './namespace-images';
import { INVENTORY, PSTREE } from './image-names';
import { readSharedMemory } from './shared-memory';
import { readTask } from './task-images';

/**
 * Reads every image of the checkpoint in `directory`. Page contents stay in
 * their files (see readTaskMemory); images the model does not describe are
 * kept as decoded entries. Throws an AmberError naming the file (and entry)
 * when an image is missing or malformed.
 */
export async function readCheckpoint(directory: string): Promise<Checkpoint> {
  const images = await ImageDirectory.open(directory);
  const inventoryEntry = await images.readOne(INVENTORY, 'INVENTORY', 'every checkpoint has one');
  const inventory = images.convert(INVENTORY, 0, () => fromEntry(inventoryEntry, inventoryRules));
  const treeEntries = await images.read(PSTREE, 'PSTREE', 'every checkpoint has a process tree');
  const tasks = [];
  for (const [index, entry] of treeEntries.entries()) tasks.push(await readTask(images, entry, index));
  const fileObjects = await readFileObjects(images);
  return {
    inventory,
    tasks,
    ...fileObjects,
    sharedMemory: await readSharedMemory(images),
    ...(await readNamespaceObjects(images)),
    ipcNamespaces: await readIpcNamespaces(images),
    otherImages: await images.readTheRest(),
    rawImages: { directory, names: images.rawImages },
  };
}
