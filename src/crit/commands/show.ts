import { decodeImage, toCritJson } from '../../images';
import { readInput, writeStdout } from '../io';
import { summarizePayloads } from '../payload-summary';
import { optionalString, subcommand } from '../subcommand';

/** `crit show IMG`: `decode --pretty` to stdout. */
export const showCommand = subcommand(
  {
    name: 'show',
    summary: 'print a CRIU image as human-readable JSON',
    options: [
      { key: 'in', names: [], metavar: 'IN', help: 'image to show' },
      { key: 'nopl', names: ['--nopl'], flag: true, help: 'do not show entry payloads (if any), only their size' },
    ],
  },
  async (options) => {
    const input = await readInput(optionalString(options.in));
    const image = decodeImage(input.bytes, input.name);
    await writeStdout(toCritJson(options.nopl === true ? summarizePayloads(image) : image, { pretty: true }) + '\n');
  },
);
