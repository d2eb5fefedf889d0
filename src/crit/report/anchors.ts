/** Ids of the page's parts, so that the tree, the findings and the tables can link to a task. */
import type { Pid } from '../../model';

export function taskAnchor(pid: Pid): string {
  return `task-${pid}`;
}
