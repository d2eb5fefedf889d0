/** The limits and next ids of an IPC namespace, read from /proc/sys by a task inside it. */
import { IPC_SYSCTLS, NEXT_ID_SYSCTLS, SEMAPHORE_LIMITS_SYSCTL, type IpcSysctlName, type IpcSysctls } from '../../model/ipc';
import type { TaskBuffer } from '../../sys/task-calls';

const NEXT_IDS: ReadonlySet<IpcSysctlName> = new Set(Object.values(NEXT_ID_SYSCTLS));

export function readIpcSysctls(buffer: TaskBuffer): IpcSysctls {
  const names = Object.keys(IPC_SYSCTLS) as IpcSysctlName[];
  const values = Object.fromEntries(
    names.map((name) => {
      const value = BigInt(buffer.readProcSys(IPC_SYSCTLS[name][1]));
      // A next id the kernel keeps at -1 (unset) cannot be written back.
      return [name, NEXT_IDS.has(name) && value < 0n ? undefined : value];
    }),
  ) as IpcSysctls['values'];
  return { semaphoreLimits: buffer.readProcSys(SEMAPHORE_LIMITS_SYSCTL).split(/\s+/).map(Number), values };
}
