/** Files whose path the checkpoint replaces: each remap names a file, and a ghost or link that exists. */
import type { FileId } from '../../../model';
import { ghostImage, REMAP_FPATH } from '../../../model/image-names';
import { fileEntryIndex, type CheckContext } from '../context';
import { error, warning, type Finding } from '../findings';

export function checkRemaps(context: CheckContext): Finding[] {
  const { remaps, ghosts } = context.checkpoint;
  const findings: Finding[] = [];
  remaps.forEach((remap, entry) => {
    if (fileEntryIndex(context, remap.file) === undefined) {
      findings.push(error(REMAP_FPATH, `remaps file ${remap.file}, which files.img lacks`, { entry, field: 'orig_id' }));
    }
    const type = remap.type ?? 'LINKED';
    if (type === 'GHOST' && !ghosts.some((ghost) => ghost.remapId === remap.remapId)) {
      findings.push(error(REMAP_FPATH, `file ${remap.file} is a ghost without ${ghostImage(remap.remapId)}`, { entry, field: 'remap_id' }));
    }
    if (type === 'LINKED' && fileEntryIndex(context, remap.remapId as FileId) === undefined) {
      findings.push(error(REMAP_FPATH, `file ${remap.file} is linked to file ${remap.remapId}, which files.img lacks`, { entry, field: 'remap_id' }));
    }
  });
  for (const ghost of ghosts) {
    if (!remaps.some((remap) => remap.remapId === ghost.remapId && remap.type === 'GHOST')) {
      findings.push(warning(ghostImage(ghost.remapId), 'no remap-fpath.img entry uses this ghost file'));
    }
  }
  return findings;
}
