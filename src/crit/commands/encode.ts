import { AmberError } from '../../errors';
import { encodeImage, parseCritJson } from '../../images';
import { readInput, writeOutput } from '../io';
import { optionalString, subcommand } from '../subcommand';

function parseJson(bytes: Buffer, name: string): unknown {
  try {
    return parseCritJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    const problem = e instanceof TypeError ? 'not UTF-8 text (an image? encode expects JSON)' : (e as Error).message;
    throw new AmberError(`${name}: cannot read JSON: ${problem}`);
  }
}

/** `crit encode`: JSON (pretty or not) back to the image bytes. */
export const encodeCommand = subcommand(
  {
    name: 'encode',
    summary: 'convert a CRIU image from JSON to binary',
    options: [
      { key: 'in', names: ['-i', '--in'], metavar: 'IN', help: 'JSON to encode (stdin by default)' },
      { key: 'out', names: ['-o', '--out'], metavar: 'OUT', help: 'where to write the image (stdout by default)' },
    ],
  },
  async (options) => {
    const input = await readInput(optionalString(options.in));
    await writeOutput(optionalString(options.out), encodeImage(parseJson(input.bytes, input.name), input.name));
  },
);
