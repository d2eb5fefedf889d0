import * as path from 'node:path';
import { AmberError } from '../../errors';
import { readImageFile } from '../../images';

/** The images of one checkpoint directory, handed out as the reader's plain entries. */
export class ImageDir {
  constructor(readonly dir: string) {}

  /** Where `fileName` is, for messages. */
  path(fileName: string): string {
    return path.join(this.dir, fileName);
  }

  /** Every entry of `fileName`, in file order. */
  async entries<T>(fileName: string): Promise<readonly T[]> {
    return (await readImageFile(this.path(fileName))).entries as readonly unknown[] as readonly T[];
  }

  /** The entries of `fileName` from `first` on, each checked to hold `fields`. */
  async entriesWith<T extends object>(fileName: string, fields: readonly (keyof T & string)[], first = 0): Promise<readonly T[]> {
    const entries = (await this.entries<T>(fileName)).slice(first);
    requireFields(entries, fields, `${this.path(fileName)}: entry`, first);
    return entries;
  }

  /** The single entry of an image that holds one (core, mm, ids, fs). */
  async first<T>(fileName: string): Promise<T> {
    const [entry] = await this.entries<T>(fileName);
    if (entry === undefined) throw new AmberError(`${this.path(fileName)}: image has no entries`);
    return entry;
  }
}

/**
 * Checks that every item holds `fields`. The reader, like crit, keeps
 * entries that lack fields the schema calls required; the explorers need them.
 */
export function requireFields<T extends object>(items: readonly T[], fields: readonly (keyof T & string)[], what: string, first = 0): void {
  items.forEach((item, index) => {
    const missing = fields.find((field) => item[field] === undefined);
    if (missing !== undefined) throw new AmberError(`${what} ${first + index} has no ${missing}`);
  });
}
