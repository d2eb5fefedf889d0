/**
 * The structs the POSIX timer calls take on x86_64 (timer_create(2),
 * timer_settime(2)): struct itimerspec and struct sigevent.
 */

/** struct timespec: whole seconds and nanoseconds, a signed 64-bit word each. */
export interface Timespec {
  seconds: bigint;
  nanoseconds: bigint;
}

/** struct itimerspec: the reload interval, then the time left until the next expiry (zero when disarmed). */
export interface TimerSetting {
  interval: Timespec;
  value: Timespec;
}

export const ITIMERSPEC_SIZE = 32;

export function parseItimerspec(raw: Buffer): TimerSetting {
  const timespec = (offset: number): Timespec => ({ seconds: raw.readBigInt64LE(offset), nanoseconds: raw.readBigInt64LE(offset + 8) });
  return { interval: timespec(0), value: timespec(16) };
}

export function itimerspecBytes(setting: TimerSetting): Buffer {
  const raw = Buffer.alloc(ITIMERSPEC_SIZE);
  [setting.interval.seconds, setting.interval.nanoseconds, setting.value.seconds, setting.value.nanoseconds].forEach((word, i) => raw.writeBigInt64LE(word, 8 * i));
  return raw;
}

/** sigev_notify values (<asm-generic/siginfo.h>); SIGEV_THREAD_ID is a flag added to SIGEV_SIGNAL. */
export enum SignalEventNotify {
  Signal = 0,
  None = 1,
  Thread = 2,
  ThreadId = 4,
}

/** What a timer does when it expires. */
export interface SignalEvent {
  /** sigev_value, handed to the signal's receiver in si_value. */
  value: bigint;
  signal: number;
  notify: number;
  /** The thread signalled with SIGEV_THREAD_ID; 0 otherwise. */
  threadId: number;
}

/** struct sigevent is 64 bytes: sigev_value, sigev_signo, sigev_notify, then a union whose first int is the thread id. */
const SIGEVENT_SIZE = 64;

export function sigeventBytes(event: SignalEvent): Buffer {
  const raw = Buffer.alloc(SIGEVENT_SIZE);
  raw.writeBigUInt64LE(BigInt.asUintN(64, event.value), 0);
  raw.writeInt32LE(event.signal, 8);
  raw.writeInt32LE(event.notify, 12);
  raw.writeInt32LE(event.threadId, 16);
  return raw;
}

/** Whether every field of the time is zero: for a timer's value, that it is disarmed. */
export function isZeroTime(time: Timespec): boolean {
  return time.seconds === 0n && time.nanoseconds === 0n;
}
