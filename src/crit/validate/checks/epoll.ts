/** Epoll targets are fd numbers of the task holding the epoll: each must be open in every fd table that holds it. */
import type { Epoll, FdTable } from '../../../model';
import { FILES } from '../../../model/image-names';
import { fileEntryIndex, type CheckContext } from '../context';
import { error, type Finding } from '../findings';

function checkEpoll(context: CheckContext, epoll: Epoll, tables: FdTable[]): Finding[] {
  const holders = tables.filter((table) => table.fds.some((fd) => fd.file === epoll.id));
  return epoll.targets.flatMap((target, i) => {
    const missing = holders.filter((table) => !table.fds.some((fd) => fd.fd === target.fd));
    if (missing.length === 0) return [];
    const tableIds = missing.map((table) => table.id).join(', ');
    const place = { entry: fileEntryIndex(context, epoll.id), field: `epfd.tfd.${i}.tfd` };
    return [error(FILES, `epoll ${epoll.id} watches fd ${target.fd}, which fd table ${tableIds} lacks`, place)];
  });
}

export function checkEpollTargets(context: CheckContext): Finding[] {
  const tables = [...context.checkpoint.fdTables.values()];
  return [...context.checkpoint.files.values()].flatMap((file) => (file.kind === 'epoll' ? checkEpoll(context, file, tables) : []));
}
