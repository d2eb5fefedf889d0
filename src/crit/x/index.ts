import { AmberError } from '../../errors';
import type { Command } from '../../cli/command';
import { writeStdout } from '../io';
import { subcommand } from '../subcommand';
import { exploreFds } from './fds';
import { FileNames } from './file-names';
import { exploreFiles, filesJson } from './files';
import { ImageDir } from './image-dir';
import { fdsJson, memsJson, psJson, rssJson } from './json-views';
import { exploreMems } from './mems';
import { explorePs } from './ps';
import { exploreRss } from './rss';
import { exploreTree, treeJson } from './tree';

/** One view of a checkpoint: as lines of text (crit's own layout for the views crit has) and as JSON-ready data. */
interface View {
  text(images: ImageDir, names: FileNames): Promise<string[]>;
  json(images: ImageDir, names: FileNames): Promise<unknown>;
}

/** What `crit x DIR WHAT` can show, by WHAT. */
const views: Readonly<Record<string, View>> = {
  ps: { text: explorePs, json: psJson },
  fds: { text: exploreFds, json: fdsJson },
  mems: { text: exploreMems, json: memsJson },
  rss: { text: exploreRss, json: rssJson },
  tree: { text: exploreTree, json: treeJson },
  files: { text: exploreFiles, json: filesJson },
};

const viewNames: readonly string[] = Object.keys(views);

export interface ExploreOptions {
  /** Structured JSON instead of text. */
  json?: boolean;
}

/** The report `crit x dir what` prints, every line ending in a newline. */
export async function explore(dir: string, what: string, options: ExploreOptions = {}): Promise<string> {
  const view = Object.hasOwn(views, what) ? views[what] : undefined;
  if (view === undefined) {
    throw new AmberError(`crit x: unknown view '${what}' (choose one of ${viewNames.join(', ')})`);
  }
  const images = new ImageDir(dir);
  const names = new FileNames(images);
  if (options.json === true) return JSON.stringify(await view.json(images, names), null, 2) + '\n';
  const lines = await view.text(images, names);
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** `crit x DIR ps|fds|mems|rss|tree|files [--json]`: a summary of a checkpoint directory. */
export const xCommand: Command = subcommand(
  {
    name: 'x',
    summary: 'explore an image directory: tasks (ps, tree), fds (fds, files), memory maps (mems) or dumped pages (rss), as text or --json',
    options: [
      { key: 'dir', names: [], metavar: 'DIR', help: 'the checkpoint directory' },
      { key: 'what', names: [], metavar: viewNames.join('|'), help: 'what to show' },
      { key: 'json', names: ['--json'], flag: true, help: 'print structured JSON instead of text' },
    ],
  },
  async (options) => writeStdout(await explore(options.dir as string, options.what as string, { json: options.json === true })),
);
