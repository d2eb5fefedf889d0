/**
 * CRIU's command line for `amber dump` and `amber restore`: criu's own
 * spellings (`-t PID -D DIR -o dump.log -v4 --shell-job`) and the friendly
 * positional forms (`amber dump PID DIR`, `amber restore DIR`), turned into
 * the typed options of dump() and restore() and the logging options.
 */
import * as path from 'node:path';
import type { DumpOptions } from '../dump/options';
import { AmberError } from '../errors';
import { takeLogOptions, type LogCliOptions } from '../log/cli-options';
import { resolveLogPath } from '../log/log-path';
import type { RestoreOptions } from '../restore/options';
import { asPid } from '../sys/types';
import { criuHelp } from './criu/help';
import { parseCriuArgs } from './criu/parse';
import type { CriuCommand, CriuSettings } from './criu/settings';

export { criuHelp };

export interface CriuCommandLine<Options> {
  options: Options;
  /** The log file is already resolved against the work directory: pass it to applyLogOptions as is. */
  log: LogCliOptions;
  /** Absolute: -W, else the images directory. */
  workDir: string;
  /** --timeout, in seconds. */
  timeoutSeconds?: number;
  displayStats: boolean;
}

/** Whether the arguments ask for the help text: -h or --help anywhere, as criu checks before anything else. */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === '-h' || arg === '--help');
}

/** Puts the positional arguments (PID then DIR for dump, DIR for restore) into the settings no option gave. */
function placePositional(command: CriuCommand, settings: CriuSettings, positional: readonly string[]): void {
  const slots = (command === 'dump' ? (['pid', 'imagesDir'] as const) : (['imagesDir'] as const)).filter((slot) => settings[slot] === undefined);
  if (positional.length > slots.length) throw new AmberError(`unexpected argument '${positional[slots.length]}' (see 'amber ${command} --help')`);
  positional.forEach((value, index) => {
    if (slots[index] === 'imagesDir') settings.imagesDir = value;
    else if (/^\d+$/.test(value) && Number(value) > 0) settings.pid = Number(value);
    else throw new AmberError(`invalid pid '${value}' (see 'amber dump --help')`);
  });
}

function commandLine<Options>(command: CriuCommand, args: readonly string[], shape: (settings: CriuSettings, imagesDir: string, workDir: string) => Options): CriuCommandLine<Options> {
  const { settings, positional } = parseCriuArgs(command, args);
  placePositional(command, settings, positional);
  const imagesDir = path.resolve(settings.imagesDir ?? '.');
  const workDir = path.resolve(settings.workDir ?? imagesDir);
  const { log } = takeLogOptions(settings.logArgs);
  return {
    options: shape(settings, imagesDir, workDir),
    log: { ...log, file: log.file === undefined ? undefined : resolveLogPath(log.file, workDir) },
    workDir,
    timeoutSeconds: settings.timeoutSeconds,
    displayStats: settings.displayStats,
  };
}

const pidfileIn = (settings: CriuSettings, workDir: string): { pidfile?: string } =>
  settings.pidfile === undefined ? {} : { pidfile: path.resolve(workDir, settings.pidfile) };

/** Only the settings among `keys` that the command line gave, so that dump() and restore() apply their own defaults. */
function given<K extends keyof CriuSettings>(settings: CriuSettings, ...keys: K[]): Partial<Pick<CriuSettings, K>> {
  return Object.fromEntries(keys.filter((key) => settings[key] !== undefined).map((key) => [key, settings[key]])) as Partial<Pick<CriuSettings, K>>;
}

export function parseDumpCommandLine(args: readonly string[]): CriuCommandLine<DumpOptions> {
  return commandLine('dump', args, (settings, imagesDir, workDir) => {
    if (settings.pid === undefined) throw new AmberError("no process to dump: give its pid as 'amber dump PID [DIR]' or with -t PID");
    return { pid: asPid(settings.pid), imagesDir, leaveRunning: settings.leaveRunning, shellJob: settings.shellJob, fileLocks: settings.fileLocks, externalUnixSockets: settings.externalUnixSockets, ...given(settings, 'manageCgroups'), ...given(settings, 'ghostLimit'), ...pidfileIn(settings, workDir) };
  });
}

export function parseRestoreCommandLine(args: readonly string[]): CriuCommandLine<RestoreOptions> {
  return commandLine('restore', args, (settings, imagesDir, workDir) => ({
    imagesDir,
    detached: settings.detached,
    shellJob: settings.shellJob,
    ...given(settings, 'manageCgroups', 'cgroupRoots'),
    ...pidfileIn(settings, workDir),
  }));
}
