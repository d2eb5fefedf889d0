import { writeStdout } from '../io';
import { optionalString, subcommand } from '../subcommand';
import { writeCores } from './index';

/** `crit core DIR [-o OUTDIR]`: one ELF core file per process, named core.PID. */
export const coreCommand = subcommand(
  {
    name: 'core',
    summary: 'write an ELF core file per process of a checkpoint, for gdb',
    options: [
      { key: 'dir', names: [], metavar: 'DIR', help: 'the checkpoint directory' },
      { key: 'out', names: ['-o', '--out'], metavar: 'OUTDIR', help: 'where core.PID files go (default: DIR)' },
    ],
  },
  async (options) => {
    const dir = options.dir as string;
    const cores = await writeCores(dir, optionalString(options.out) ?? dir, (message) => process.stderr.write(`amber: ${message}\n`));
    await writeStdout(cores.map((core) => `${core.file}\n`).join(''));
  },
);
