import * as fsp from 'node:fs/promises';
import { AmberError, fsErrorName } from '../errors';

/** Opens an image file for reading; failure is a one-line AmberError naming it. */
export async function openForReading(file: string): Promise<fsp.FileHandle> {
  try {
    return await fsp.open(file, 'r');
  } catch (e) {
    throw new AmberError(`${file}: cannot open: ${fsErrorName(e)}`);
  }
}
