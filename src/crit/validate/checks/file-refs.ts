/**
 * Every reference to an open file description outside the fd tables: cwd
 * and root, executables and mapped files, a FIFO's path, a terminal's info
 * and a memfd's inode. Each must name an entry of the image that holds them.
 */
import type { Message } from '../../../images';
import type { FileId } from '../../../model';
import { FILES, fsImage, mmImage } from '../../../model/image-names';
import { entriesOf, fileEntryIndex, type CheckContext } from '../context';
import { error, type Finding, type Place } from '../findings';
import { MEMFD_INODES, TTY_INFO } from '../image-names';
import { hex } from './addresses';

/** A finding unless file `id` is in files.img. */
function reference(context: CheckContext, id: FileId, what: string, image: string, place: Place): Finding[] {
  return fileEntryIndex(context, id) === undefined ? [error(image, `${what} is file ${id}, which ${FILES} lacks`, place)] : [];
}

function taskReferences(context: CheckContext): Finding[] {
  return context.checkpoint.tasks.flatMap((task) => {
    const findings: Finding[] = [];
    if (task.fs !== undefined) {
      const fs = fsImage(task.pid);
      findings.push(...reference(context, task.fs.cwd, `the cwd of task ${task.pid}`, fs, { entry: 0, field: 'cwd_id' }));
      findings.push(...reference(context, task.fs.root, `the root of task ${task.pid}`, fs, { entry: 0, field: 'root_id' }));
    }
    const memory = task.memory;
    if (memory === undefined) return findings;
    const mm = mmImage(task.pid);
    findings.push(...reference(context, memory.executable, `the executable of task ${task.pid}`, mm, { entry: 0, field: 'exe_file_id' }));
    memory.vmas.forEach((vma, i) => {
      if (!vma.kind.filePrivate && !vma.kind.fileShared) return;
      const what = `the file mapped at ${hex(vma.start)}`;
      findings.push(...reference(context, Number(vma.shmid) as FileId, what, mm, { entry: 0, field: `vmas.${i}.shmid` }));
    });
    return findings;
  });
}

/** A sub-message's number field of a files.img entry (kinds the model keeps whole). */
function numberIn(entry: Message, message: string, field: string): number | undefined {
  const value = (entry[message] as Message | undefined)?.[field];
  return typeof value === 'number' ? value : undefined;
}

/** Kinds whose path and open flags are those of a regular-file entry they name. */
const PATH_HOLDERS = ['fifo', 'tty'] as const;

function idsIn(context: CheckContext, image: string, field: string): Set<unknown> {
  return new Set(entriesOf(context, image).map((entry) => entry[field]));
}

function fileEntryReferences(context: CheckContext): Finding[] {
  const ttyInfos = idsIn(context, TTY_INFO, 'id');
  const memfdInodes = idsIn(context, MEMFD_INODES, 'inode_id');
  return entriesOf(context, FILES).flatMap((entry, index) => {
    const id = String(entry.id);
    const place = (field: string): Place => ({ entry: index, field });
    const findings: Finding[] = [];
    for (const message of PATH_HOLDERS) {
      const pathFile = numberIn(entry, message, 'regf_id');
      if (pathFile !== undefined) findings.push(...reference(context, pathFile as FileId, `the path of file ${id}`, FILES, place(`${message}.regf_id`)));
    }
    const ttyInfo = numberIn(entry, 'tty', 'tty_info_id');
    if (ttyInfo !== undefined && !ttyInfos.has(ttyInfo)) findings.push(error(FILES, `terminal ${id} has info ${ttyInfo}, which ${TTY_INFO} lacks`, place('tty.tty_info_id')));
    const inode = numberIn(entry, 'memfd', 'inode_id');
    if (inode !== undefined && !memfdInodes.has(inode)) findings.push(error(FILES, `memfd ${id} has inode ${inode}, which ${MEMFD_INODES} lacks`, place('memfd.inode_id')));
    return findings;
  });
}

export function checkFileReferences(context: CheckContext): Finding[] {
  return [...taskReferences(context), ...fileEntryReferences(context)];
}
