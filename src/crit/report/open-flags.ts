/** The open(2) flags of a description; a FIFO's are on the regular file that names its path. */
import type { Checkpoint, OpenFile, OpenFlags } from '../../model';

export function openFlagsOf(checkpoint: Checkpoint, file: OpenFile | undefined): OpenFlags | undefined {
  if (file?.kind === 'fifo') return openFlagsOf(checkpoint, file.pathFile === undefined ? undefined : checkpoint.files.get(file.pathFile));
  return file !== undefined && 'flags' in file ? file.flags : undefined;
}
