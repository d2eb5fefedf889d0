/** timerfd_create(2): clock, time to the next expiration, interval, and expirations not yet read. */
import type { FileId, TimeSpec } from '../../model';
import type { Timespec } from '../../proc/fdinfo-events';
import { NO_OWNER, toOpenFlags } from '../file-set';
import { infoOfKind, isAnonInode } from './anon-inode';
import type { FdKind, FdSubject } from './kind';

const timeSpec = (time: Timespec): TimeSpec => ({ seconds: BigInt(time.seconds), nanoseconds: BigInt(time.nanoseconds) });

export const timerfds: FdKind = {
  type: 'TIMERFD',
  matches: ({ link }) => isAnonInode(link, 'timerfd'),
  dump(subject: FdSubject, id: FileId): void {
    const info = infoOfKind(subject, 'timerfd');
    subject.files.add({
      kind: 'timerfd',
      id,
      flags: toOpenFlags(subject.flags),
      owner: NO_OWNER,
      clock: info.clockId,
      ticks: info.ticks,
      settimeFlags: info.settimeFlags,
      remaining: timeSpec(info.value),
      interval: timeSpec(info.interval),
    });
  },
};
