/** `crit report DIR -o FILE`: a checkpoint as one self-contained HTML page. */
import type { ValidateOptions } from '../validate';
import { writeOutput } from '../io';
import { optionalString, subcommand } from '../subcommand';
import { gatherReport } from './gather';
import { renderPage, renderUnreadablePage } from './page';

/** The report of the checkpoint in `directory`, as the text of an HTML file. */
export async function buildReport(directory: string, options: ValidateOptions = {}): Promise<string> {
  const gathered = await gatherReport(directory, options);
  return 'checkpoint' in gathered ? renderPage(gathered) : renderUnreadablePage(gathered);
}

export const reportCommand = subcommand(
  {
    name: 'report',
    summary: 'write a checkpoint as one HTML page: process tree, memory maps, fds, sockets and validation findings',
    options: [
      { key: 'dir', names: [], metavar: 'DIR', help: 'the checkpoint directory' },
      { key: 'out', names: ['-o', '--out'], metavar: 'FILE', help: 'where to write the page (default: stdout)' },
      { key: 'system', names: ['--system'], flag: true, help: 'also report what would stop a restore on this system (files, free pids, kernel features)' },
    ],
  },
  async (options) => writeOutput(optionalString(options.out), await buildReport(options.dir as string, { system: options.system === true })),
);
