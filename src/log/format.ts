import { describeError } from '../errors';
import { LogLevel, levelNames } from './level';
import type { FieldValue, LogFields } from './record';

/** `text`: one readable line per message; `json`: one JSON object per line. */
export type LogFormat = 'text' | 'json';

/** One enabled message. `time` is in seconds since amber started. */
export interface LogRecord {
  level: LogLevel;
  time: number;
  subsystem: string;
  msg: string;
  fields: LogFields | undefined;
}

export function formatRecord(record: LogRecord, format: LogFormat): string {
  return format === 'json' ? formatJson(record) : formatText(record);
}

const paddedLevel: Readonly<Record<LogLevel, string>> = {
  [LogLevel.Error]: 'error',
  [LogLevel.Warn]: 'warn ',
  [LogLevel.Info]: 'info ',
  [LogLevel.Debug]: 'debug',
};

/** Strings that need no quotes in text: no blanks, quotes, `=` or backslashes. */
const bareWord = /^[^\s"=\\]+$/;

/** Strings JSON.stringify would only wrap in quotes; checking is about twice as fast as calling it. */
const plainJson = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

const jsonString = (value: string): string => (plainJson.test(value) ? `"${value}"` : JSON.stringify(value));

/** `(SS.ffffff) LEVEL [pid P [tid T]] SUBSYSTEM: MESSAGE name=value ...` */
export function formatText({ level, time, subsystem, msg, fields }: LogRecord): string {
  let line = `(${formatSeconds(time).padStart(9, '0')}) ${paddedLevel[level]} `;
  if (fields?.pid !== undefined) line += `pid ${fields.pid} `;
  if (fields?.tid !== undefined) line += `tid ${fields.tid} `;
  line += `${subsystem}: ${msg.includes('\n') ? msg.replace(/\n/g, '\\n') : msg}`;
  for (const name in fields) {
    const value = fields[name];
    if (name !== 'pid' && name !== 'tid' && value !== undefined) line += ` ${name}=${textValue(value)}`;
  }
  return line + '\n';
}

/** `{"level":..,"time":..,"pid":..|null,["tid":..,]"subsystem":..,"msg":.., ...fields}` */
export function formatJson({ level, time, subsystem, msg, fields }: LogRecord): string {
  let line = `{"level":"${levelNames[level]}","time":${formatSeconds(time)},"pid":${fields?.pid ?? 'null'}`;
  if (fields?.tid !== undefined) line += `,"tid":${fields.tid}`;
  line += `,"subsystem":${jsonString(subsystem)},"msg":${jsonString(msg)}`;
  for (const name in fields) {
    const value = fields[name];
    if (name !== 'pid' && name !== 'tid' && value !== undefined) line += `,${jsonString(name)}:${jsonValue(value)}`;
  }
  return line + '}\n';
}

const zeros = ['', '0', '00', '000', '0000', '00000'];

/** `S.ffffff` (microseconds); done with integers because formatting a double with toFixed costs twice as much. */
function formatSeconds(seconds: number): string {
  const micros = Math.round(seconds * 1e6);
  const whole = Math.floor(micros / 1e6);
  const fraction = String(micros - whole * 1e6);
  return `${whole}.${zeros[6 - fraction.length]}${fraction}`;
}

function hex(value: bigint): string {
  return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
}

function textValue(value: Exclude<FieldValue, undefined>): string {
  if (typeof value === 'string') return bareWord.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'bigint') return hex(value);
  if (value instanceof Error) return JSON.stringify(describeError(value));
  if (Array.isArray(value)) return `[${value.map(textValue).join(',')}]`;
  return String(value);
}

function jsonValue(value: Exclude<FieldValue, undefined>): string {
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'bigint') return `"${hex(value)}"`;
  if (value instanceof Error) return JSON.stringify(describeError(value));
  if (Array.isArray(value)) return `[${value.map(jsonValue).join(',')}]`;
  return JSON.stringify(value);
}
