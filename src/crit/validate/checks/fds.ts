/** Fd tables: each live task has one, each fd number is there once and points at a file of its kind. */
import type { FdTable } from '../../../model';
import { fdinfoImage, FILES, idsImage } from '../../../model/image-names';
import { fileType, isZombie, type CheckContext } from '../context';
import { error, warning, type Finding } from '../findings';

function checkTable(context: CheckContext, table: FdTable): Finding[] {
  const image = fdinfoImage(table.id);
  const seen = new Map<number, number>();
  return table.fds.flatMap((fd, entry) => {
    const first = seen.get(fd.fd);
    if (first !== undefined) return [error(image, `fd ${fd.fd} is already entry ${first}`, { entry, field: 'fd' })];
    seen.set(fd.fd, entry);
    const type = fileType(context, fd.file);
    if (type === undefined) return [error(image, `fd ${fd.fd} points at file ${fd.file}, which ${FILES} lacks`, { entry, field: 'id' })];
    if (type !== fd.type) return [error(image, `fd ${fd.fd} is a ${fd.type}, but file ${fd.file} is a ${type}`, { entry, field: 'type' })];
    return [];
  });
}

export function checkFdTables(context: CheckContext): Finding[] {
  const { tasks, fdTables } = context.checkpoint;
  const used = new Set<number>();
  const findings: Finding[] = [];
  for (const task of tasks) {
    if (isZombie(task)) continue;
    const id = task.ids?.files;
    if (id === undefined) findings.push(error(idsImage(task.pid), `task ${task.pid} names no fd table`, { entry: 0, field: 'files_id' }));
    else if (!fdTables.has(id)) findings.push(error(idsImage(task.pid), `fd table ${id} of task ${task.pid} has no ${fdinfoImage(id)}`, { entry: 0, field: 'files_id' }));
    else used.add(id);
  }
  for (const table of fdTables.values()) {
    findings.push(...checkTable(context, table));
    if (!used.has(table.id)) findings.push(warning(fdinfoImage(table.id), 'no task uses this fd table'));
  }
  return findings;
}
