import { iterateImageEntries, type ImageKind } from '../../images';
import { writeStdout } from '../io';
import { optionalString, subcommand } from '../subcommand';

/** `crit info IMG`: the kind and the number of entries, as indented JSON. */
export const infoCommand = subcommand(
  {
    name: 'info',
    summary: 'show the kind of an image and how many entries it holds',
    options: [{ key: 'in', names: [], metavar: 'IN', help: 'image to look at' }],
  },
  async (options) => {
    let kind: ImageKind | undefined;
    let entries = 0;
    for await (const _entry of iterateImageEntries(optionalString(options.in) as string, (k) => (kind = k))) entries++;
    const found = kind as ImageKind;
    // Like crit, a header entry with no payload of its own (the pagemap's) is not counted.
    const count = found.header !== undefined && found.headerExtra === undefined ? Math.max(0, entries - 1) : entries;
    await writeStdout(`{\n    "magic": "${found.name}",\n    "count": ${count}\n}\n`);
  },
);
