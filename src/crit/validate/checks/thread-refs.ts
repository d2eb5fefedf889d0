/** What a thread's core points at elsewhere: its cgroup set (cgroup.img) and its seccomp filter chain (seccomp.img). */
import type { Task, Thread } from '../../../model';
import { coreImage, SECCOMP } from '../../../model/image-names';
import { entriesOf, type CheckContext } from '../context';
import { error, type Finding } from '../findings';
import { CGROUPS } from '../image-names';

/** The cgroup set ids cgroup.img defines; a set the dumping host's tasks are in needs no entry. */
function cgroupSets(context: CheckContext): Set<number> {
  const [cgroups] = entriesOf(context, CGROUPS);
  const sets = (cgroups?.sets ?? []) as { id?: number }[];
  const ids = new Set(sets.flatMap((set) => (set.id === undefined ? [] : [set.id])));
  const host = context.checkpoint.inventory.rootCgroupSet;
  if (host !== undefined) ids.add(host);
  return ids;
}

function checkThread(task: Task, thread: Thread, sets: Set<number>, filterCount: number): Finding[] {
  const core = thread.core;
  if (core === undefined) return [];
  const image = coreImage(task.pid, thread.tid);
  const findings: Finding[] = [];
  if (core.cgroupSet !== undefined && !sets.has(core.cgroupSet)) {
    findings.push(error(image, `thread ${thread.tid} is in cgroup set ${core.cgroupSet}, which ${CGROUPS} does not define`, { entry: 0, field: 'thread_core.cg_set' }));
  }
  if (core.seccompMode === 'filter' && (core.seccompFilter === undefined || core.seccompFilter >= filterCount)) {
    const which = core.seccompFilter === undefined ? 'names no filter' : `uses filter ${core.seccompFilter}, but ${SECCOMP} holds ${filterCount}`;
    findings.push(error(image, `thread ${thread.tid} is in seccomp filter mode but ${which}`, { entry: 0, field: 'thread_core.seccomp_filter' }));
  }
  return findings;
}

function checkFilterChain(context: CheckContext): Finding[] {
  const filters = context.checkpoint.seccomp?.filters ?? [];
  return filters.flatMap((filter, i) =>
    filter.previous !== undefined && (filter.previous >= filters.length || filter.previous === i)
      ? [error(SECCOMP, `filter ${i} follows filter ${filter.previous}, which is not another filter of the ${filters.length}`, { entry: 0, field: `seccomp_filters.${i}.prev` })]
      : [],
  );
}

export function checkThreadReferences(context: CheckContext): Finding[] {
  const sets = cgroupSets(context);
  const filterCount = context.checkpoint.seccomp?.filters.length ?? 0;
  const threads = context.checkpoint.tasks.flatMap((task) => task.threads.flatMap((thread) => checkThread(task, thread, sets, filterCount)));
  return [...threads, ...checkFilterChain(context)];
}
