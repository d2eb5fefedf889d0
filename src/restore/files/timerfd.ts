/**
 * timerfd: armed again with the time that was left and its interval, and
 * given back the expirations nobody had read. The time the tree spent
 * checkpointed does not count, as for a stopped process, except for a timer
 * set to an absolute wall-clock time, which still expires at that time.
 */
import type { TimerFd, TimeSpec } from '../../model';
import { TFD_IOC_SET_TICKS, TFD_TIMER_ABSTIME, timerfdCreate, timerfdSettime } from '../../sys/anon-fd';
import { ioctlBuffer } from '../../sys/fd';
import type { Fd } from '../../sys/types';
import type { OpenedFile } from './kinds';
import { setStatusFlags } from './regular';

const CLOCK_REALTIME = 0;
const CLOCK_REALTIME_ALARM = 8;
const NS_PER_SECOND = 1_000_000_000n;

const nanoseconds = (time: TimeSpec): bigint => time.seconds * NS_PER_SECOND + time.nanoseconds;

function wallClockNowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

/** fdinfo reports the time left even for absolute timers; a wall-clock one is set back to the same moment. */
function arm(fd: Fd, file: TimerFd): void {
  const valueNs = nanoseconds(file.remaining);
  if (valueNs === 0n) return;
  const intervalNs = nanoseconds(file.interval);
  const wallClock = file.clock === CLOCK_REALTIME || file.clock === CLOCK_REALTIME_ALARM;
  if (wallClock && (file.settimeFlags & TFD_TIMER_ABSTIME) !== 0) {
    timerfdSettime(fd, file.settimeFlags, { intervalNs, valueNs: wallClockNowNs() + valueNs });
  } else {
    timerfdSettime(fd, 0, { intervalNs, valueNs });
  }
}

export function openTimerfd(file: TimerFd): OpenedFile {
  const fd = timerfdCreate(file.clock, 0);
  // Arming a timerfd clears its expiration count, so the count comes second.
  arm(fd, file);
  if (file.ticks > 0n) {
    const ticks = Buffer.alloc(8);
    ticks.writeBigUInt64LE(file.ticks);
    ioctlBuffer(fd, TFD_IOC_SET_TICKS, ticks);
  }
  setStatusFlags(fd, file.flags);
  return { fd };
}
