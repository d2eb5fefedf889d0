/**
 * Tasks that have a System V shared memory segment attached (shmat(2)):
 * the kernel names such a mapping "/SYSVKEY (deleted)", KEY in hex, with
 * the segment's id as its inode number (proc_pid_maps(5)).
 */
import { AmberError } from '../../errors';
import { readMaps } from '../../proc/maps';
import type { Pid } from '../../sys/types';

const SYSV_NAME = /^\/SYSV([0-9a-f]{8})$/;

/** Refuses a task that has a segment attached; `hostNamespace` says whether it is the host's IPC namespace. */
export function refuseAttachedSegments(pid: Pid, hostNamespace: boolean): void {
  for (const vma of readMaps(pid)) {
    const match = vma.kind === 'file' ? SYSV_NAME.exec(vma.name) : null;
    if (match === null) continue;
    const segment = `System V shared memory segment ${vma.inode} (key 0x${match[1]}) at 0x${vma.start.toString(16)}`;
    const why = hostNamespace
      ? "it belongs to the host's IPC namespace, shared with the rest of the system, which amber does not dump"
      : 'restoring attached segments is not supported yet';
    throw new AmberError(`task ${pid}: has ${segment} attached: ${why}`);
  }
}
