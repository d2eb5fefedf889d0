import * as fs from 'node:fs';
import * as path from 'node:path';

let version: string | undefined;

/** amber's version, from its package.json. */
export function amberVersion(): string {
  if (version === undefined) {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    version = manifest.version;
  }
  return version;
}
