/** The first pass: which files the directory holds, and whether every image in it decodes. */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AmberError, describeError, fsErrorName } from '../../errors';
import { iterateImageEntries, type DecodedImage, type ImageKind, type Message } from '../../images';
import { classifyFileName, INVENTORY } from '../../model/image-names';
import { error, warning, type Finding } from './findings';

/** The link from an incremental checkpoint to its parent's directory (criu dump --prev-images-dir). */
const PARENT_LINK = 'parent';

export interface ImageListing {
  /** Every image that decoded, by file name. */
  images: Map<string, DecodedImage>;
  /** Raw images (pages-N.img...) by file name. */
  rawFiles: string[];
  /** An incremental checkpoint links to the one it builds on. */
  hasParent: boolean;
  findings: Finding[];
}

async function listDirectory(directory: string): Promise<string[]> {
  try {
    return (await fsp.readdir(directory)).sort();
  } catch (e) {
    throw new AmberError(`${directory}: cannot read the checkpoint directory: ${fsErrorName(e)}`);
  }
}

/** Decodes one image entry by entry, so that a failure names the entry it happened in. */
async function decodeImageFile(directory: string, name: string): Promise<DecodedImage | Finding> {
  const file = path.join(directory, name);
  let kind: ImageKind | undefined;
  const entries: Message[] = [];
  try {
    for await (const entry of iterateImageEntries(file, (found) => (kind = found))) entries.push(entry);
  } catch (e) {
    // The reader's message starts with the path and the entry number, which the finding gives.
    const problem = describeError(e).replace(`${file}: `, '').replace(/^entry \d+ /, '');
    return error(name, `does not decode: ${problem}`, kind === undefined ? {} : { entry: entries.length });
  }
  return { kind: kind as ImageKind, entries };
}

/** Lists and decodes the checkpoint in `directory`; throws an AmberError when it is no checkpoint at all. */
export async function readImages(directory: string): Promise<ImageListing> {
  const names = await listDirectory(directory);
  if (!names.includes(INVENTORY)) throw new AmberError(`${directory}: not a checkpoint directory (no ${INVENTORY})`);
  const listing: ImageListing = { images: new Map(), rawFiles: [], hasParent: names.includes(PARENT_LINK), findings: [] };
  for (const name of names) {
    if (name === PARENT_LINK) continue;
    const kind = classifyFileName(name);
    if (kind === 'raw') listing.rawFiles.push(name);
    else if (kind === undefined) listing.findings.push(warning(name, 'not a checkpoint image; ignored'));
    else {
      const decoded = await decodeImageFile(directory, name);
      if ('severity' in decoded) listing.findings.push(decoded);
      else listing.images.set(name, decoded);
    }
  }
  return listing;
}
