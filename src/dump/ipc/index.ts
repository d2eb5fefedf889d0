/**
 * The IPC namespaces of a frozen tree. Objects of the host's namespace are
 * shared with the rest of the system and stay out of the checkpoint; a
 * namespace of the tree's own is read by syscalls injected into one of its
 * tasks, which see that namespace's objects and /proc/sys.
 */
import type { IpcNamespace } from '../../model/ipc';
import { InjectionSession } from '../../sys/inject';
import { LARGEST_STAT, MSGBUF_TEXT } from '../../sys/sysv-ipc';
import { TaskCalls, withTaskBuffer } from '../../sys/task-calls';
import type { Pid, Tid } from '../../sys/types';
import type { FrozenTask } from '../freeze';
import type { KernelObjectIds } from '../ids';
import { refuseAttachedSegments } from './attachments';
import { dumpIpcObjects } from './objects';
import { readIpcSysctls } from './sysctls';

function dumpNamespace(pid: Pid, tid: Tid, id: number): IpcNamespace {
  const session = InjectionSession.open(pid, tid);
  try {
    const calls = new TaskCalls(pid, `task ${pid}`, (nr, ...args) => session.syscall(nr, ...args));
    const sysctls = withTaskBuffer(calls, 0, readIpcSysctls);
    const largestMessage = MSGBUF_TEXT + Number(sysctls.values.msgmax ?? 0n);
    const largestSemaphoreSet = 2 * (sysctls.semaphoreLimits[0] ?? 0);
    const size = Math.max(largestMessage, largestSemaphoreSet, LARGEST_STAT);
    return { id, sysctls, ...withTaskBuffer(calls, size, (buffer) => dumpIpcObjects(calls, buffer)) };
  } finally {
    session.close();
  }
}

/**
 * Every IPC namespace of the tree's live tasks but the host's (`hostNamespace`,
 * the dumper's), each read once; refuses tasks with SysV shared memory attached.
 */
export function dumpIpcNamespaces(tasks: readonly FrozenTask[], ids: KernelObjectIds, hostNamespace: number | undefined): IpcNamespace[] {
  const namespaces = new Map<number, IpcNamespace>();
  for (const task of tasks) {
    if (task.zombie) continue;
    const id = ids.of(task.pid).ipcNamespace;
    refuseAttachedSegments(task.pid, id === hostNamespace);
    if (id === undefined || id === hostNamespace || namespaces.has(id)) continue;
    namespaces.set(id, dumpNamespace(task.pid, task.threads[0], id));
  }
  return [...namespaces.values()];
}
