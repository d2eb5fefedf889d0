/** Files without a path that amber creates itself to restore them: eventfd, timerfd, signalfd, epoll. */
import { native } from './native';
import type { Fd } from './types';

export const EFD_SEMAPHORE = 1;
/** ioctl(TFD_IOC_SET_TICKS) = _IOW('T', 0, u64): sets the expirations a timerfd has not reported yet (CONFIG_CHECKPOINT_RESTORE). */
export const TFD_IOC_SET_TICKS = 0x4008_5400n;
export const TFD_TIMER_ABSTIME = 1;

/** A struct itimerspec: the interval, then the time to the next expiration. */
export interface TimerSetting {
  intervalNs: bigint;
  valueNs: bigint;
}

const NS_PER_SECOND = 1_000_000_000n;

export function eventfd(initial: bigint, flags: number): Fd {
  return native().eventfd(initial, flags) as Fd;
}

export function timerfdCreate(clock: number, flags: number): Fd {
  return native().timerfdCreate(clock, flags) as Fd;
}

export function timerfdSettime(fd: Fd, flags: number, setting: TimerSetting): void {
  const raw = Buffer.alloc(32);
  [setting.intervalNs, setting.valueNs].forEach((ns, i) => {
    raw.writeBigInt64LE(ns / NS_PER_SECOND, 16 * i);
    raw.writeBigInt64LE(ns % NS_PER_SECOND, 16 * i + 8);
  });
  native().timerfdSettime(fd, flags, raw);
}

export function signalfd(mask: bigint, flags: number): Fd {
  return native().signalfd(mask, flags) as Fd;
}

export function epollCreate(flags = 0): Fd {
  return native().epollCreate(flags) as Fd;
}
