/** A task's working directory, root and umask (fs-PID.img). */
import * as fs from 'node:fs';
import type { FsState } from '../model';
import { readStatus } from '../proc/status';
import type { Pid } from '../sys/types';
import { pathFile, type FileSet } from './file-set';

function directoryFile(pid: Pid, link: 'cwd' | 'root', files: FileSet) {
  const where = `/proc/${pid}/${link}`;
  const path = fs.readlinkSync(where);
  const stat = fs.statSync(where);
  return files.byPath(`dir:${stat.dev}:${stat.ino}`, (id) => pathFile(id, path, stat, 0, where));
}

export function dumpFs(pid: Pid, files: FileSet): FsState {
  return {
    cwd: directoryFile(pid, 'cwd', files),
    root: directoryFile(pid, 'root', files),
    umask: readStatus(pid).umask ?? 0o22,
  };
}
