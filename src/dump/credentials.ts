/** A thread's credentials as the image stores them: ids and capability sets from /proc, the rest read by injection. */
import type { Credentials } from '../model';
import type { ProcStatus } from '../proc/status';

export function credentialsOf(status: ProcStatus, securebits: number, noNewPrivileges: boolean): Credentials {
  return {
    uid: status.uid.real,
    gid: status.gid.real,
    euid: status.uid.effective,
    egid: status.gid.effective,
    suid: status.uid.saved,
    sgid: status.gid.saved,
    fsuid: status.uid.filesystem,
    fsgid: status.gid.filesystem,
    inheritable: status.capInh,
    permitted: status.capPrm,
    effective: status.capEff,
    bounding: status.capBnd,
    ambient: status.capAmb,
    securebits,
    supplementaryGroups: status.groups,
    // Stored only when set, as CRIU does.
    noNewPrivileges: noNewPrivileges ? true : undefined,
  };
}
