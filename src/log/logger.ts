import { performance } from 'node:perf_hooks';
import { flushOnExit } from './exit-flush';
import { FileSink } from './file-sink';
import { formatRecord, type LogFormat } from './format';
import { LogLevel, defaultVerbosity, type Verbosity } from './level';
import type { LogFields, Message } from './record';
import type { LogSink } from './sink';
import { StreamSink } from './stream-sink';

/**
 * The log of one subsystem ("mm", "ptrace", "check", ...). A call below the
 * configured verbosity returns after one comparison: the message closure
 * is not called and nothing is formatted.
 */
export interface Logger {
  readonly subsystem: string;
  enabled(level: LogLevel): boolean;
  error(msg: Message, fields?: LogFields): void;
  warn(msg: Message, fields?: LogFields): void;
  info(msg: Message, fields?: LogFields): void;
  debug(msg: Message, fields?: LogFields): void;
}

export interface LoggingOptions {
  /** A path (already resolved, see resolveLogPath), '-' for stdout, or null for stderr. Unchanged when absent. */
  file?: string | null;
  level?: Verbosity;
  format?: LogFormat;
}

const settings: { verbosity: Verbosity; format: LogFormat; sink: LogSink | undefined } = {
  verbosity: defaultVerbosity,
  format: 'text',
  sink: undefined,
};

class SubsystemLogger implements Logger {
  constructor(readonly subsystem: string) {}

  enabled(level: LogLevel): boolean {
    return level <= settings.verbosity;
  }

  error(msg: Message, fields?: LogFields): void {
    if (LogLevel.Error <= settings.verbosity) emit(LogLevel.Error, this.subsystem, msg, fields);
  }

  warn(msg: Message, fields?: LogFields): void {
    if (LogLevel.Warn <= settings.verbosity) emit(LogLevel.Warn, this.subsystem, msg, fields);
  }

  info(msg: Message, fields?: LogFields): void {
    if (LogLevel.Info <= settings.verbosity) emit(LogLevel.Info, this.subsystem, msg, fields);
  }

  debug(msg: Message, fields?: LogFields): void {
    if (LogLevel.Debug <= settings.verbosity) emit(LogLevel.Debug, this.subsystem, msg, fields);
  }
}

const loggers = new Map<string, Logger>();

export function logger(subsystem: string): Logger {
  let found = loggers.get(subsystem);
  if (found === undefined) {
    found = new SubsystemLogger(subsystem);
    loggers.set(subsystem, found);
  }
  return found;
}

/** Sets the verbosity, format and destination of every logger; the previous destination is flushed and closed. */
export function configureLogging(options: LoggingOptions): void {
  if (options.level !== undefined) settings.verbosity = options.level;
  if (options.format !== undefined) settings.format = options.format;
  if (options.file !== undefined) {
    const sink = openSink(options.file);
    settings.sink?.close();
    settings.sink = sink;
  }
}

/** Writes every message logged so far before returning. */
export function flushLogsSync(): void {
  settings.sink?.flushSync();
}

/** Resolves once every message logged so far is written. */
export function flushLogs(): Promise<void> {
  return settings.sink?.flush() ?? Promise.resolve();
}

function openSink(file: string | null): LogSink {
  flushOnExit(flushLogsSync);
  if (file === null) return new StreamSink(process.stderr);
  if (file === '-') return new StreamSink(process.stdout);
  return FileSink.open(file);
}

function emit(level: LogLevel, subsystem: string, msg: Message, fields: LogFields | undefined): void {
  settings.sink ??= openSink(null);
  const record = { level, time: performance.now() / 1000, subsystem, msg: typeof msg === 'string' ? msg : msg(), fields };
  settings.sink.write(formatRecord(record, settings.format));
}
