/** Message severities, numbered as CRIU's -v levels: a message is written when its level <= the verbosity. */
export enum LogLevel {
  Error = 1,
  Warn = 2,
  Info = 3,
  Debug = 4,
}

/** CRIU's -vN: 0 writes nothing, 1 errors, 2 adds warnings (the default), 3 info, 4 debug. */
export type Verbosity = 0 | 1 | 2 | 3 | 4;

export const defaultVerbosity: Verbosity = 2;

const maxVerbosity: Verbosity = 4;

export const levelNames: Readonly<Record<LogLevel, string>> = {
  [LogLevel.Error]: 'error',
  [LogLevel.Warn]: 'warn',
  [LogLevel.Info]: 'info',
  [LogLevel.Debug]: 'debug',
};

/** Clamps any integer to a verbosity, as CRIU treats -v9 like -v4. */
export function toVerbosity(n: number): Verbosity {
  return Math.max(0, Math.min(maxVerbosity, Math.trunc(n))) as Verbosity;
}
