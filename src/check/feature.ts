import { describeError } from '../errors';
import { isSyscallError } from '../sys/native';

/** What `amber check` knows about one kernel feature. */
export interface Feature {
  /** CRIU's `check --feature` name where CRIU has one, else amber's own (underscores, like most of CRIU's). */
  name: string;
  /** What the feature is, in a few words. */
  description: string;
  /** Plain dump and restore cannot work without it. */
  required: boolean;
  /** What goes wrong without it, in one line. */
  consequence: string;
  /** Looks for the feature; throwing counts as "absent", with the error as the detail. */
  probe(): Promise<ProbeOutcome>;
}

/** A probe's answer; `detail` says what was seen (an errno, a list of sub-features...). */
export interface ProbeOutcome {
  present: boolean;
  detail?: string;
}

export const present = (detail?: string): ProbeOutcome => ({ present: true, detail });
export const absent = (detail?: string): ProbeOutcome => ({ present: false, detail });

/** Runs a probe; an error means the feature is absent, and the error (e.g. "ptrace(PTRACE_SEIZE): EPERM") is the detail. */
export async function outcomeOf(probe: () => Promise<ProbeOutcome>): Promise<ProbeOutcome> {
  try {
    return await probe();
  } catch (e) {
    return absent(isSyscallError(e) ? `${e.syscall}: ${e.code}` : describeError(e));
  }
}
