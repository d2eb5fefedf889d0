import * as path from 'node:path';

/**
 * Where `-o FILE` writes, as CRIU decides: '-' is stdout, and a relative
 * name is taken from the images directory (the current directory when
 * there is none), so `-o dump.log` lands next to the images.
 */
export function resolveLogPath(file: string, imagesDir?: string): string {
  return file === '-' ? file : path.resolve(imagesDir ?? '.', file);
}
