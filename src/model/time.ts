/** Time values as the images store them: seconds with nanoseconds or with microseconds. */
import { bigInteger } from './codecs';
import { field, type Rules } from './fields';

export interface TimeSpec {
  seconds: bigint;
  nanoseconds: bigint;
}

/** A TimeSpec kept in the two named fields of a message. */
export function timeSpecRules(seconds: string, nanoseconds: string): Rules<TimeSpec> {
  return { seconds: field(seconds, bigInteger), nanoseconds: field(nanoseconds, bigInteger) };
}

export interface TimeValue {
  seconds: bigint;
  microseconds: bigint;
}

/** A TimeValue kept in the two named fields of a message. */
export function timeValueRules(seconds: string, microseconds: string): Rules<TimeValue> {
  return { seconds: field(seconds, bigInteger), microseconds: field(microseconds, bigInteger) };
}
