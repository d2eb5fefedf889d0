import { toCritJson } from '../../images/crit-json';
import { decodeImage } from '../../images/image';
import { readInput, writeOutput } from '../io';
import { optionalString, subcommand } from '../subcommand';

/** `crit decode`: image to JSON; like crit, a final newline only when writing to stdout. */
export const decodeCommand = subcommand(
  {
    name: 'decode',
    summary: 'convert a CRIU image from binary to JSON',
    options: [
      { key: 'pretty', names: ['--pretty'], flag: true, help: 'indent, and show some numbers in a field-specific form (hex, flags, devices)' },
      { key: 'in', names: ['-i', '--in'], metavar: 'IN', help: 'image to decode (stdin by default)' },
      { key: 'out', names: ['-o', '--out'], metavar: 'OUT', help: 'where to write the JSON (stdout by default)' },
    ],
  },
  async (options) => {
    const input = await readInput(optionalString(options.in));
    const out = optionalString(options.out);
    const json = toCritJson(decodeImage(input.bytes, input.name), { pretty: options.pretty === true });
    await writeOutput(out, out === undefined ? json + '\n' : json);
  },
);
