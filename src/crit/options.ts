import { AmberError } from '../errors';

/** One option or positional argument of a crit sub-command, named as CRIU's crit names it. */
export interface OptionSpec {
  /** Key in the parsed result. */
  key: string;
  /** ['-i', '--in'] for options; [] for a positional argument. */
  names: string[];
  /** A flag takes no value. */
  flag?: boolean;
  /** Shown in --help after the option, e.g. "IN". */
  metavar?: string;
  help: string;
}

export interface SubcommandSpec {
  name: string;
  summary: string;
  options: OptionSpec[];
}

export type ParsedOptions = Record<string, string | boolean | undefined>;

function usageLine(spec: SubcommandSpec): string {
  const parts = spec.options.map((o) => {
    if (o.names.length === 0) return o.metavar ?? o.key.toUpperCase();
    return o.flag === true ? `[${o.names[0]}]` : `[${o.names[0]} ${o.metavar ?? o.key.toUpperCase()}]`;
  });
  return `usage: amber crit ${spec.name} [-h] ${parts.join(' ')}`.trimEnd();
}

/** The text `--help` prints. */
export function helpText(spec: SubcommandSpec): string {
  const rows: [string, string][] = [['-h, --help', 'show this help and exit']];
  for (const o of spec.options) {
    const value = o.flag === true ? '' : ` ${o.metavar ?? o.key.toUpperCase()}`;
    rows.push([o.names.length === 0 ? (o.metavar ?? o.key.toUpperCase()) : o.names.map((n) => n + value).join(', '), o.help]);
  }
  const width = Math.max(...rows.map(([left]) => left.length));
  return [usageLine(spec), '', spec.summary, '', ...rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`), ''].join('\n');
}

/** Parses arguments argparse-style: `-i X`, `--in X`, `--in=X`, flags, positionals; `undefined` when --help was asked. */
export function parseOptions(spec: SubcommandSpec, args: string[]): ParsedOptions | undefined {
  const result: ParsedOptions = {};
  const positionals = spec.options.filter((o) => o.names.length === 0);
  const fail = (problem: string): never => {
    throw new AmberError(`crit ${spec.name}: ${problem} (see 'amber crit ${spec.name} --help')`);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') return undefined;
    if (arg.startsWith('-') && arg !== '-') {
      const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
      const option = spec.options.find((o) => o.names.includes(name));
      if (option === undefined) fail(`unknown option '${name}'`);
      else if (option.flag === true) result[option.key] = true;
      else if (inline !== undefined) result[option.key] = inline;
      else if (i + 1 < args.length) result[option.key] = args[++i];
      else fail(`option '${name}' needs a value`);
    } else {
      const positional = positionals.shift();
      if (positional === undefined) fail(`unexpected argument '${arg}'`);
      else result[positional.key] = arg;
    }
  }
  if (positionals.length > 0) fail(`missing ${positionals.map((p) => p.metavar ?? p.key.toUpperCase()).join(' ')}`);
  return result;
}
