/**
 * The limits and next ids of an IPC namespace, written to /proc/sys by a
 * task inside it. The next ids go last: creating an object uses one up.
 */
import { IPC_SYSCTLS, NEXT_ID_SYSCTLS, SEMAPHORE_LIMITS_SYSCTL, type IpcSysctlName, type IpcSysctls } from '../../model/ipc';
import type { TaskBuffer } from '../../sys/task-calls';

const NEXT_IDS: ReadonlySet<IpcSysctlName> = new Set(Object.values(NEXT_ID_SYSCTLS));

function writeValues(buffer: TaskBuffer, sysctls: IpcSysctls, nextIds: boolean): void {
  for (const name of Object.keys(IPC_SYSCTLS) as IpcSysctlName[]) {
    const value = sysctls.values[name];
    if (value !== undefined && NEXT_IDS.has(name) === nextIds) buffer.writeProcSys(IPC_SYSCTLS[name][1], String(value));
  }
}

export function writeIpcLimits(buffer: TaskBuffer, sysctls: IpcSysctls): void {
  if (sysctls.semaphoreLimits.length > 0) buffer.writeProcSys(SEMAPHORE_LIMITS_SYSCTL, sysctls.semaphoreLimits.join(' '));
  writeValues(buffer, sysctls, false);
}

export function writeIpcNextIds(buffer: TaskBuffer, sysctls: IpcSysctls): void {
  writeValues(buffer, sysctls, true);
}
