import * as fs from 'node:fs';
import { AmberError } from '../../errors';
import { decodeFile } from './decode-file';
import { optionalString, subcommand } from '../subcommand';

/** Decodes every image of a checkpoint directory into `outDir`, as NAME.json: one process for them all. */
async function decodeDirectory(dir: string, outDir: string | undefined, pretty: boolean): Promise<void> {
  if (outDir === undefined) throw new AmberError(`crit decode: ${dir} is a directory: give -o DIR for the JSON files`);
  const { classifyFileName } = await import('../../model/image-names');
  const { decodeImagesInParallel } = await import('./decode-directory');
  fs.mkdirSync(outDir, { recursive: true });
  await decodeImagesInParallel(dir, fs.readdirSync(dir).filter((name) => classifyFileName(name) === 'image'), outDir, pretty);
}

function isDirectory(file: string | undefined): file is string {
  return file !== undefined && fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() === true;
}

/** `crit decode`: image to JSON; amber also takes a whole checkpoint directory. */
export const decodeCommand = subcommand(
  {
    name: 'decode',
    summary: 'convert a CRIU image from binary to JSON',
    options: [
      { key: 'pretty', names: ['--pretty'], flag: true, help: 'indent, and show some numbers in a field-specific form (hex, flags, devices)' },
      { key: 'in', names: ['-i', '--in'], metavar: 'IN', help: 'image to decode (stdin by default), or a checkpoint directory: each image to OUT/NAME.json' },
      { key: 'out', names: ['-o', '--out'], metavar: 'OUT', help: 'where to write the JSON (stdout by default)' },
    ],
  },
  async (options) => {
    const file = optionalString(options.in);
    const out = optionalString(options.out);
    const pretty = options.pretty === true;
    if (isDirectory(file)) await decodeDirectory(file, out, pretty);
    else await decodeFile(file, out, pretty);
  },
);
