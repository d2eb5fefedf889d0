import { AmberError } from '../errors';
import type { LogFormat } from './format';
import { defaultVerbosity, toVerbosity, type Verbosity } from './level';
import { configureLogging } from './logger';
import { resolveLogPath } from './log-path';

/** The logging options every amber command accepts, spelled as CRIU spells them. */
export interface LogCliOptions {
  /** -o/--log-file as given, before resolveLogPath. */
  file: string | undefined;
  verbosity: Verbosity;
  format: LogFormat;
}

export const logOptionsHelp: readonly string[] = [
  '  -o, --log-file FILE     write the log to FILE (relative to the images directory if any; - is stdout)',
  '  -v[v...], -vN, --verbosity[=N]',
  '                          0 nothing, 1 errors, 2 warnings (default), 3 info, 4 debug',
  '  --log-format text|json  one readable line, or one JSON object, per message',
];

/**
 * Takes the logging options out of `args` and returns them with the other
 * arguments in order. Stops at `--`. Repeated -v raise the level by one
 * each from the default, as in CRIU; -vN and --verbosity=N set it.
 */
export function takeLogOptions(args: readonly string[]): { log: LogCliOptions; rest: string[] } {
  const log: LogCliOptions = { file: undefined, verbosity: defaultVerbosity, format: 'text' };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const valueOf = (option: string): string => {
      const value = args[++i];
      if (value === undefined) throw new AmberError(`option ${option} needs a value`);
      return value;
    };
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    } else if (arg === '-o' || arg === '--log-file') {
      log.file = valueOf(arg);
    } else if (arg.startsWith('--log-file=')) {
      log.file = arg.slice('--log-file='.length);
    } else if (arg === '--log-format') {
      log.format = parseFormat(valueOf(arg));
    } else if (arg.startsWith('--log-format=')) {
      log.format = parseFormat(arg.slice('--log-format='.length));
    } else if (arg === '--verbosity') {
      log.verbosity = toVerbosity(log.verbosity + 1);
    } else if (arg.startsWith('--verbosity=')) {
      log.verbosity = parseVerbosity(arg, arg.slice('--verbosity='.length));
    } else if (/^-v+$/.test(arg)) {
      log.verbosity = toVerbosity(log.verbosity + arg.length - 1);
    } else if (arg.startsWith('-v')) {
      log.verbosity = parseVerbosity(arg, arg.slice(2));
    } else {
      rest.push(arg);
    }
  }
  return { log, rest };
}

/** Configures logging from the options; `imagesDir` is where a relative log file goes. */
export function applyLogOptions(log: LogCliOptions, imagesDir?: string): void {
  configureLogging({
    file: log.file === undefined ? null : resolveLogPath(log.file, imagesDir),
    level: log.verbosity,
    format: log.format,
  });
}

function parseVerbosity(arg: string, digits: string): Verbosity {
  if (!/^\d+$/.test(digits)) throw new AmberError(`invalid verbosity in '${arg}' (expected -v0 to -v4)`);
  return toVerbosity(Number(digits));
}

function parseFormat(value: string): LogFormat {
  if (value !== 'text' && value !== 'json') throw new AmberError(`invalid --log-format '${value}' (expected text or json)`);
  return value;
}
