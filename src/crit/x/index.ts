import { AmberError } from '../../errors';
import type { Command } from '../../cli/command';
import { writeStdout } from '../io';
import { subcommand } from '../subcommand';
import { exploreFds } from './fds';
import { FileNames } from './file-names';
import { ImageDir } from './image-dir';
import { exploreMems } from './mems';
import { explorePs } from './ps';
import { exploreRss } from './rss';

type Explorer = (images: ImageDir, names: FileNames) => Promise<string[]>;

/** What `crit x DIR WHAT` can show, by WHAT. */
const explorers: Readonly<Record<string, Explorer>> = {
  ps: explorePs,
  fds: exploreFds,
  mems: exploreMems,
  rss: exploreRss,
};

const explorerNames: readonly string[] = Object.keys(explorers);

/** The report `crit x dir what` prints, every line ending in a newline. */
export async function explore(dir: string, what: string): Promise<string> {
  const explorer = Object.hasOwn(explorers, what) ? explorers[what] : undefined;
  if (explorer === undefined) {
    throw new AmberError(`crit x: unknown view '${what}' (choose one of ${explorerNames.join(', ')})`);
  }
  const images = new ImageDir(dir);
  const lines = await explorer(images, new FileNames(images));
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** `crit x DIR ps|fds|mems|rss`: a summary of a checkpoint directory. */
export const xCommand: Command = subcommand(
  {
    name: 'x',
    summary: 'explore an image directory: its tasks (ps), their files (fds), memory maps (mems) or dumped pages (rss)',
    options: [
      { key: 'dir', names: [], metavar: 'DIR', help: 'the checkpoint directory' },
      { key: 'what', names: [], metavar: explorerNames.join('|'), help: 'what to show' },
    ],
  },
  async (options) => writeStdout(await explore(options.dir as string, options.what as string)),
);
