/** Which task a validation finding concerns, from the name of the image it is about. */
import type { Task } from '../../model';
import type { Finding } from '../validate';

/** Images named after one task's pid or one of its threads' tids. */
const PER_TASK_IMAGES = new Set(['core', 'mm', 'pagemap', 'ids', 'fs']);

const NUMBERED_IMAGE = /^([a-z-]+)-(\d+)\.img$/;

/** Whether `finding` is about an image that belongs to `task` (fdinfo and pages images by the ids the task uses). */
export function concernsTask(finding: Finding, task: Task): boolean {
  const match = NUMBERED_IMAGE.exec(finding.image);
  if (match === null) return false;
  const [, prefix, digits] = match;
  const number = Number(digits);
  if (prefix === 'fdinfo') return task.ids?.files === number;
  if (prefix === 'pages') return task.pageMap?.pagesId === number;
  return PER_TASK_IMAGES.has(prefix) && (task.pid === number || task.threads.some((thread) => thread.tid === number));
}

/** The task a finding is about, if any. */
export function taskOfFinding(finding: Finding, tasks: readonly Task[]): Task | undefined {
  return tasks.find((task) => concernsTask(finding, task));
}
