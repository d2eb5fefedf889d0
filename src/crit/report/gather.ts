/** Everything the report shows, read once: the validator's findings, the checkpoint's model and who holds each open file. */
import { AmberError } from '../../errors';
import { fdTableOf, readCheckpoint, type Checkpoint, type FdUser, type FileId, type UnixSocket } from '../../model';
import { validateCheckpoint, type Finding, type ValidateOptions } from '../validate';

export interface ReportData {
  directory: string;
  checkpoint: Checkpoint;
  /** Every (task, fd) pointing at each open file description. */
  holders: Map<FileId, FdUser[]>;
  /** Unix sockets by inode, to find a socket's peer. */
  unixSockets: Map<number, UnixSocket>;
  findings: Finding[];
}

/** A checkpoint whose model cannot be built: the page shows the findings and why. */
export interface UnreadableCheckpoint {
  directory: string;
  problem: string;
  findings: Finding[];
}

function holdersByFile(checkpoint: Checkpoint): Map<FileId, FdUser[]> {
  const holders = new Map<FileId, FdUser[]>();
  for (const task of checkpoint.tasks) {
    for (const entry of fdTableOf(checkpoint, task)?.fds ?? []) {
      holders.set(entry.file, [...(holders.get(entry.file) ?? []), { pid: task.pid, fd: entry.fd }]);
    }
  }
  return holders;
}

function unixSocketsByInode(checkpoint: Checkpoint): Map<number, UnixSocket> {
  const sockets = [...checkpoint.files.values()].filter((file): file is UnixSocket => file.kind === 'unix-socket');
  return new Map(sockets.map((socket) => [socket.inode, socket]));
}

export async function gatherReport(directory: string, options: ValidateOptions): Promise<ReportData | UnreadableCheckpoint> {
  const findings = await validateCheckpoint(directory, options);
  try {
    const checkpoint = await readCheckpoint(directory);
    return { directory, checkpoint, holders: holdersByFile(checkpoint), unixSockets: unixSocketsByInode(checkpoint), findings };
  } catch (e) {
    if (!(e instanceof AmberError)) throw e;
    return { directory, problem: e.message, findings };
  }
}
