/** fdinfo lines of eventfd, epoll, signalfd and timerfd files (proc(5), fs/eventfd.c, fs/eventpoll.c, ...). */
import { FieldError, fd, kernelDeviceField, namedFields, required, unsigned, unsigned64 } from './fields';
import { KeyedLines } from './keyed-lines';
import { atLine, type NumberedLine } from './lines';
import type { Device, Fd, Inode, SignalMask } from './types';

export interface EventfdInfo {
  kind: 'eventfd';
  count: bigint;
  /** The eventfd's id, unique while it exists (Linux 6.2+). */
  id?: number;
  /** EFD_SEMAPHORE (Linux 6.6+). */
  semaphore?: boolean;
}

/** One file an epoll instance watches ("tfd:" line). */
export interface EpollTarget {
  fd: Fd;
  /** EPOLLIN, EPOLLET, ... as registered. */
  events: number;
  data: bigint;
  /** File position of the target when the line was printed. */
  pos: bigint;
  ino: Inode;
  device: Device;
}

export interface EpollInfo {
  kind: 'epoll';
  targets: EpollTarget[];
}

export interface SignalfdInfo {
  kind: 'signalfd';
  sigmask: SignalMask;
}

/** A struct timespec. */
export interface Timespec {
  seconds: number;
  nanoseconds: number;
}

export interface TimerfdInfo {
  kind: 'timerfd';
  /** CLOCK_REALTIME 0, CLOCK_MONOTONIC 1, CLOCK_BOOTTIME 7, ... */
  clockId: number;
  /** Expirations not yet read. */
  ticks: bigint;
  /** TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET given to timerfd_settime. */
  settimeFlags: number;
  /** Time left to the next expiration (relative even for absolute timers). */
  value: Timespec;
  interval: Timespec;
}

const hex64 = (value: string, key: string): bigint => unsigned64(value, key, 16);
const decimal = (value: string, key: string): number => unsigned(value, key);

export const eventfd = {
  owns: (line: string): boolean => line.startsWith('eventfd-'),
  decode(file: string, numbered: NumberedLine[]): EventfdInfo {
    const lines = new KeyedLines(file, numbered);
    return {
      kind: 'eventfd',
      count: lines.take('eventfd-count', hex64),
      id: lines.takeOptional('eventfd-id', decimal),
      semaphore: lines.takeOptional('eventfd-semaphore', (value, key) => unsigned(value, key) !== 0),
    };
  },
};

function epollTarget(line: string): EpollTarget {
  const fields = namedFields(line);
  return {
    fd: fd(required(fields, 'tfd'), 'tfd'),
    events: unsigned(required(fields, 'events'), 'events', 16),
    data: unsigned64(required(fields, 'data'), 'data', 16),
    pos: unsigned64(required(fields, 'pos'), 'pos'),
    ino: unsigned64(required(fields, 'ino'), 'ino', 16),
    device: kernelDeviceField(required(fields, 'sdev'), 'sdev'),
  };
}

export const epoll = {
  owns: (line: string): boolean => line.startsWith('tfd:'),
  decode: (file: string, lines: NumberedLine[]): EpollInfo => ({
    kind: 'epoll',
    targets: lines.map(({ line, lineNumber }) => atLine(file, lineNumber, () => epollTarget(line))),
  }),
};

export const signalfd = {
  owns: (line: string): boolean => line.startsWith('sigmask:'),
  decode: (file: string, lines: NumberedLine[]): SignalfdInfo => ({
    kind: 'signalfd',
    sigmask: new KeyedLines(file, lines).take('sigmask', hex64),
  }),
};

function timespec(value: string, key: string): Timespec {
  const match = /^\((\d+), (\d+)\)$/.exec(value);
  if (match === null) throw new FieldError(`${key} is not "(seconds, nanoseconds)": "${value}"`);
  return { seconds: unsigned(match[1], `${key} seconds`), nanoseconds: unsigned(match[2], `${key} nanoseconds`) };
}

export const timerfd = {
  owns: (line: string): boolean => /^(clockid|ticks|settime flags|it_value|it_interval):/.test(line),
  decode(file: string, numbered: NumberedLine[]): TimerfdInfo {
    const lines = new KeyedLines(file, numbered);
    return {
      kind: 'timerfd',
      clockId: lines.take('clockid', decimal),
      ticks: lines.take('ticks', (value, key) => unsigned64(value, key)),
      settimeFlags: lines.take('settime flags', (value, key) => unsigned(value, key, 8)),
      value: lines.take('it_value', timespec),
      interval: lines.take('it_interval', timespec),
    };
  },
};
