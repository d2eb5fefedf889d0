/** Objects tasks share beyond files: seccomp filters (seccomp.img) and time namespaces (timens-ID.img). */
import { bytes, integer, optional } from './codecs';
import { field, group, messages, type Modeled, type Rules } from './fields';
import { timeSpecRules, type TimeSpec } from './time';

/** One classic-BPF seccomp program and the filter installed before it. */
export interface SeccompFilter extends Modeled {
  /** struct sock_filter instructions, 8 bytes each. */
  program: Buffer;
  /** Index of the previous filter in the chain, if any. */
  previous: number | undefined;
  /** SECCOMP_FILTER_FLAG_* the filter was installed with. */
  flags: number | undefined;
}

/** Every seccomp filter of the checkpoint; threads point into the list. */
export interface SeccompFilters extends Modeled {
  filters: SeccompFilter[];
}

/** A time namespace's clock offsets (see time_namespaces(7)). */
export interface TimeNamespace extends Modeled {
  /** N of timens-N.img. */
  id: number;
  monotonicOffset: TimeSpec;
  boottimeOffset: TimeSpec;
}

export const seccompRules: Rules<SeccompFilters> = {
  filters: field(
    'seccomp_filters',
    messages<SeccompFilter>({
      program: field('filter', bytes),
      previous: field('prev', optional(integer)),
      flags: field('flags', optional(integer)),
    }),
  ),
};

/** The fields of a timens entry; `id` comes from the file name. */
export const timeNamespaceRules: Rules<Omit<TimeNamespace, 'id'>> = {
  monotonicOffset: group('monotonic', timeSpecRules('tv_sec', 'tv_nsec')),
  boottimeOffset: group('boottime', timeSpecRules('tv_sec', 'tv_nsec')),
};
