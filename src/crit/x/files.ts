/** `crit x DIR files`: every fd of every task with what it resolves to, and the task's cwd and root. */
import { fdTableOf, findFile, readCheckpoint, type Checkpoint, type Fd, type FileId, type Pid, type Task } from '../../model';
import type { ImageDir } from './image-dir';
import { openFileView, type FileFacts } from './open-file-view';

const LABEL_WIDTH = 7;

interface FdView {
  fd: Fd;
  closeOnExec: boolean;
  file: FileFacts;
  text: string;
}

interface TaskFiles {
  pid: Pid;
  comm: string;
  /** Empty for a zombie, which has no fd table. */
  fds: FdView[];
  cwd: string | undefined;
  root: string | undefined;
}

function directory(checkpoint: Checkpoint, id: FileId | undefined): string | undefined {
  if (id === undefined) return undefined;
  const file = findFile(checkpoint, id);
  return file.kind === 'regular' ? file.path : `${file.kind} ${file.id}`;
}

function taskFiles(checkpoint: Checkpoint, task: Task): TaskFiles {
  const fds = (fdTableOf(checkpoint, task)?.fds ?? []).map((entry) => {
    const view = openFileView(checkpoint, findFile(checkpoint, entry.file), { pid: task.pid, fd: entry.fd });
    return { fd: entry.fd, closeOnExec: entry.flags.closeOnExec, file: view.facts, text: view.text };
  });
  return { pid: task.pid, comm: task.process.name, fds, cwd: directory(checkpoint, task.fs?.cwd), root: directory(checkpoint, task.fs?.root) };
}

async function readTaskFiles(images: ImageDir): Promise<TaskFiles[]> {
  const checkpoint = await readCheckpoint(images.dir);
  return checkpoint.tasks.map((task) => taskFiles(checkpoint, task));
}

function labelled(label: string, what: string): string {
  return `\t${label.padStart(LABEL_WIDTH)}: ${what}`;
}

/** Per task: `PID COMM`, then one line per fd, then cwd and root. */
export async function exploreFiles(images: ImageDir): Promise<string[]> {
  return (await readTaskFiles(images)).flatMap((task) => [
    `${task.pid} ${task.comm}`,
    ...task.fds.map((fd) => labelled(String(fd.fd), fd.text + (fd.closeOnExec ? ' (close-on-exec)' : ''))),
    ...(task.cwd === undefined ? [] : [labelled('cwd', task.cwd)]),
    ...(task.root === undefined ? [] : [labelled('root', task.root)]),
  ]);
}

export async function filesJson(images: ImageDir): Promise<unknown> {
  return (await readTaskFiles(images)).map(({ fds, ...task }) => ({ ...task, fds: fds.map(({ text: _text, ...fd }) => fd) }));
}
