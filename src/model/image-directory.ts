/** Reading a checkpoint directory image by image, with errors that name the file and entry. */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { AmberError, fsErrorName } from '../errors';
import { readImageFile, type DecodedImage } from '../images';
import { FieldError, type Entry } from './fields';
import { classifyFileName } from './image-names';

export class ImageDirectory {
  private readonly unread: Set<string>;

  private constructor(
    readonly directory: string,
    images: string[],
    readonly rawImages: string[],
  ) {
    this.unread = new Set(images);
  }

  static async open(directory: string): Promise<ImageDirectory> {
    let names: string[];
    try {
      names = (await fsp.readdir(directory)).sort();
    } catch (e) {
      throw new AmberError(`${directory}: cannot read the checkpoint directory: ${fsErrorName(e)}`);
    }
    const images = names.filter((name) => classifyFileName(name) === 'image');
    return new ImageDirectory(directory, images, names.filter((name) => classifyFileName(name) === 'raw'));
  }

  pathOf(name: string): string {
    return path.join(this.directory, name);
  }

  /** Image names not read yet that match `pattern`. */
  unreadMatching(pattern: RegExp): string[] {
    return [...this.unread].filter((name) => pattern.test(name));
  }

  /** The entries of image `name`, which must be of kind `kind`; undefined when the directory has no such image. */
  async readIfPresent(name: string, kind: string): Promise<Entry[] | undefined> {
    if (!this.unread.delete(name)) return undefined;
    const image = await readImageFile(this.pathOf(name));
    if (image.kind.name !== kind) throw new AmberError(`${this.pathOf(name)}: a ${image.kind.name} image where a ${kind} image belongs`);
    return image.entries;
  }

  /** Like readIfPresent, but the image must be there; `why` says who needs it. */
  async read(name: string, kind: string, why: string): Promise<Entry[]> {
    const entries = await this.readIfPresent(name, kind);
    if (entries === undefined) throw new AmberError(`${this.pathOf(name)}: missing, but ${why}`);
    return entries;
  }

  /** The single entry of an image that holds exactly one. */
  async readOne(name: string, kind: string, why: string): Promise<Entry> {
    return this.single(name, await this.read(name, kind, why));
  }

  /** Like readOne, but undefined when the directory has no such image. */
  async readOneIfPresent(name: string, kind: string): Promise<Entry | undefined> {
    const entries = await this.readIfPresent(name, kind);
    return entries === undefined ? undefined : this.single(name, entries);
  }

  private single(name: string, entries: Entry[]): Entry {
    if (entries.length !== 1) throw new AmberError(`${this.pathOf(name)}: holds ${entries.length} entries, expected 1`);
    return entries[0];
  }

  /** Runs `convert` on entry `index` of image `name`, turning field errors into one-line errors naming both. */
  convert<T>(name: string, index: number, convert: () => T): T {
    try {
      return convert();
    } catch (e) {
      if (!(e instanceof FieldError)) throw e;
      const where = e.path.length === 0 ? '' : ` ${e.path.join('.')}:`;
      throw new AmberError(`${this.pathOf(name)}: entry ${index}:${where} ${e.message}`);
    }
  }

  /** Every image not read yet, entry for entry. */
  async readTheRest(): Promise<Map<string, DecodedImage>> {
    const rest = new Map<string, DecodedImage>();
    for (const name of [...this.unread]) rest.set(name, await readImageFile(this.pathOf(name)));
    this.unread.clear();
    return rest;
  }
}
