/**
 * Namespace ids (ids-PID.img): a task either shares a namespace with the
 * host that dumped it (inventory.img's root_ids), which restore leaves alone,
 * or is in one that the checkpoint describes in an image of its own.
 */
import type { TaskIds } from '../../../model';
import { idsImage, timensImage } from '../../../model/image-names';
import type { CheckContext } from '../context';
import { error, type Finding } from '../findings';

interface DescribedNamespace {
  name: string;
  key: keyof Omit<TaskIds, 'unmodeled'>;
  field: string;
  image: (id: number) => string;
}

/** Pid and cgroup namespaces have no image of their own: restore makes a new pid namespace, cgroup.img holds the other. */
const DESCRIBED: readonly DescribedNamespace[] = [
  { name: 'net', key: 'netNamespace', field: 'net_ns_id', image: (id) => `netns-${id}.img` },
  { name: 'uts', key: 'utsNamespace', field: 'uts_ns_id', image: (id) => `utsns-${id}.img` },
  { name: 'ipc', key: 'ipcNamespace', field: 'ipc_ns_id', image: (id) => `ipcns-var-${id}.img` },
  { name: 'mount', key: 'mountNamespace', field: 'mnt_ns_id', image: (id) => `mountpoints-${id}.img` },
  { name: 'user', key: 'userNamespace', field: 'user_ns_id', image: (id) => `userns-${id}.img` },
  { name: 'time', key: 'timeNamespace', field: 'time_ns_id', image: timensImage },
];

export function checkNamespaces(context: CheckContext): Finding[] {
  const host = context.checkpoint.inventory.rootIds;
  if (host === undefined) return [];
  return context.checkpoint.tasks.flatMap((task) => {
    const ids = task.ids;
    if (ids === undefined) return [];
    return DESCRIBED.flatMap(({ name, key, field, image }) => {
      const id = ids[key];
      if (id === undefined || id === host[key] || context.images.has(image(id))) return [];
      const message = `${name} namespace ${id} of task ${task.pid} is not the dumping host's (${String(host[key])}) and has no ${image(id)}`;
      return [error(idsImage(task.pid), message, { entry: 0, field })];
    });
  });
}
