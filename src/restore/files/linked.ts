/**
 * Linked remaps: the dumper kept an unlinked file alive by a hard link of
 * its own next to it (a regular-file entry of the checkpoint names it). That
 * link stays where it is, so the same images can be restored again.
 */
import * as fs from 'node:fs';
import { asFileId } from '../../model';
import type { Fd } from '../../sys/types';
import { regularFilePath } from '../task-files';
import type { Placer } from './remap';

/** open(2)'s O_PATH, which Node.js does not name: an fd that only locates the file, whatever its permissions. */
const O_PATH = 0o10000000;

export const linkedPlacer: Placer = (_file, remap, context, user) => {
  const linkPath = regularFilePath(context.checkpoint, asFileId(remap.remapId), user);
  return (name) => {
    fs.linkSync(linkPath, name);
    try {
      return fs.openSync(name, O_PATH) as Fd;
    } catch (e) {
      fs.unlinkSync(name);
      throw e;
    }
  };
};
