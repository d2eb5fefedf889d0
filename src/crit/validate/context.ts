/** What every check reads: the typed model, and the decoded images for what the model leaves out. */
import type { DecodedImage, Message } from '../../images';
import type { Checkpoint, FileId } from '../../model';
import { FILES } from '../../model/image-names';
import type { Finding } from './findings';

export interface CheckContext {
  directory: string;
  checkpoint: Checkpoint;
  /** Every image as decoded, by file name. */
  images: ReadonlyMap<string, DecodedImage>;
  /** Raw images (pages-N.img...) by file name. */
  rawFiles: readonly string[];
  /** Whether the directory links to a parent checkpoint (incremental dumps). */
  hasParent: boolean;
  /** Where each file id first appears in files.img. */
  fileEntries: ReadonlyMap<unknown, number>;
}

/** One kind of check: the problems it finds in a checkpoint. */
export type Check = (context: CheckContext) => Finding[] | Promise<Finding[]>;

export function checkContext(directory: string, checkpoint: Checkpoint, images: ReadonlyMap<string, DecodedImage>, rawFiles: readonly string[], hasParent: boolean): CheckContext {
  const fileEntries = new Map<unknown, number>();
  (images.get(FILES)?.entries ?? []).forEach((entry, index) => {
    if (!fileEntries.has(entry.id)) fileEntries.set(entry.id, index);
  });
  return { directory, checkpoint, images, rawFiles, hasParent, fileEntries };
}

/** The entries of image `name`, none when the directory lacks it. */
export function entriesOf(context: CheckContext, name: string): readonly Message[] {
  return context.images.get(name)?.entries ?? [];
}

/** Where file `id` sits in files.img; undefined when no entry has it. */
export function fileEntryIndex(context: CheckContext, id: FileId): number | undefined {
  return context.fileEntries.get(id);
}

/** The fd type (REG, PIPE, ...) files.img gives file `id`. */
export function fileType(context: CheckContext, id: FileId): string | undefined {
  const index = fileEntryIndex(context, id);
  return index === undefined ? undefined : String(entriesOf(context, FILES)[index].type);
}

/** A zombie keeps a core image and nothing else (CRIU stores it as 'dead'). */
export { isZombie } from '../../model';
