/** The command line of `crit edit`: a directory, an optional output directory, and repeatable OLD=NEW edits. */
import { AmberError } from '../../errors';
import type { SubcommandSpec } from '../options';
import { emptyPlan, parseAddressEdit, parseCommEdit, parsePathEdit, parsePortEdit, type EditPlan } from './plan';

/** Exit status when the checkpoint was written but something asked for was not found, or a raw image still holds an old address. */
export const EXIT_WARNINGS = 3;

export const editSpec: SubcommandSpec = {
  name: 'edit',
  summary: 'change addresses, ports, paths or task names in a checkpoint, keeping its images consistent',
  options: [
    { key: 'dir', names: [], metavar: 'DIR', help: 'the checkpoint directory (edited in place unless -o is given)' },
    {
      key: 'output',
      names: ['-o', '--output'],
      metavar: 'OUTDIR',
      help: 'write the edited checkpoint to this new or empty directory, with copies of the untouched files',
    },
    { key: 'inet-addr', names: ['--inet-addr'], metavar: 'OLD=NEW', help: 'replace an IPv4 or IPv6 address of inet sockets (repeatable)' },
    { key: 'inet-port', names: ['--inet-port'], metavar: 'OLD=NEW', help: 'replace a port of inet sockets (repeatable)' },
    { key: 'path', names: ['--path'], metavar: 'OLD=NEW', help: 'replace a path prefix, matched at whole components, in every file path (repeatable)' },
    { key: 'comm', names: ['--comm'], metavar: 'PID=NAME', help: 'rename task PID (at most 15 bytes) (repeatable)' },
  ],
};

export const EXIT_STATUS_HELP = [
  'exit status:',
  '  0  every edit changed something; the counts are on stdout',
  '  1  a malformed edit or a bad checkpoint: nothing was written (one line on stderr)',
  `  ${EXIT_WARNINGS}  the checkpoint was written, with warnings on stderr: an OLD matched nothing,`,
  '     or a raw image (ifaddr, route...) still mentions an old address',
  '',
].join('\n');

const EDIT_PARSERS: Readonly<Record<string, (value: string, plan: EditPlan) => void>> = {
  'inet-addr': (value, plan) => plan.addresses.push(parseAddressEdit(value)),
  'inet-port': (value, plan) => plan.ports.push(parsePortEdit(value)),
  path: (value, plan) => plan.paths.push(parsePathEdit(value)),
  comm: (value, plan) => plan.comms.push(parseCommEdit(value)),
};

export interface EditArguments {
  dir: string;
  output: string | undefined;
  plan: EditPlan;
}

/** The parsed command line; undefined when --help was asked. */
export function parseEditArguments(args: readonly string[]): EditArguments | undefined {
  const fail = (problem: string): never => {
    throw new AmberError(`crit edit: ${problem} (see 'amber crit edit --help')`);
  };
  const plan = emptyPlan();
  let dir: string | undefined;
  let output: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') return undefined;
    if (!arg.startsWith('-')) {
      if (dir !== undefined) fail(`unexpected argument '${arg}'`);
      dir = arg;
      continue;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = equals < 0 ? arg : arg.slice(0, equals);
    const option = editSpec.options.find((candidate) => candidate.names.includes(name));
    if (option === undefined) return fail(`unknown option '${name}'`);
    const value = equals >= 0 ? arg.slice(equals + 1) : i + 1 < args.length ? args[++i] : fail(`option '${name}' needs a value`);
    if (option.key === 'output') output = value;
    else EDIT_PARSERS[option.key](value, plan);
  }
  if (dir === undefined) return fail('missing DIR');
  if (Object.values(plan).every((edits: unknown[]) => edits.length === 0)) fail('no edit given');
  return { dir, output, plan };
}
