/**
 * Ids for the kernel objects tasks may share (ids-PID.img): one address
 * space, fd table, fs info or signal-handler table gets one id however many
 * tasks use it, found with kcmp(2); namespaces are told apart by their
 * inode and numbered in one sequence.
 */
import type { TaskIds } from '../model';
import { readNamespaces } from '../proc/ns';
import { KcmpType } from '../sys/constants';
import { kcmp } from '../sys/pidfd';
import type { Pid } from '../sys/types';

type SharedKind = KcmpType.Vm | KcmpType.Files | KcmpType.Fs | KcmpType.Sighand;

/** In the order their ids are handed out, with the field each goes to. */
const NAMESPACES = [
  ['pid', 'pidNamespace'],
  ['net', 'netNamespace'],
  ['ipc', 'ipcNamespace'],
  ['uts', 'utsNamespace'],
  ['time', 'timeNamespace'],
  ['mnt', 'mountNamespace'],
  ['user', 'userNamespace'],
  ['cgroup', 'cgroupNamespace'],
] as const;

export class KernelObjectIds {
  /** For each kind, one task per object seen so far, at index id - 1. */
  private readonly owners = new Map<SharedKind, Pid[]>();
  private readonly namespaces = new Map<bigint, number>();

  /** The id of `pid`'s object of `kind`: the id of the first task found to share it, or a new one. */
  shared(kind: SharedKind, pid: Pid): number {
    const owners = this.owners.get(kind) ?? [];
    this.owners.set(kind, owners);
    const index = owners.findIndex((owner) => owner === pid || kcmp(owner, pid, kind) === 'equal');
    if (index >= 0) return index + 1;
    owners.push(pid);
    return owners.length;
  }

  private namespace(inode: bigint): number {
    let id = this.namespaces.get(inode);
    if (id === undefined) this.namespaces.set(inode, (id = this.namespaces.size + 1));
    return id;
  }

  /** Every id of a live task. */
  of(pid: Pid): TaskIds {
    const links = new Map(readNamespaces(pid).map((link) => [link.name, link.inode]));
    const ids: TaskIds = {
      memory: this.shared(KcmpType.Vm, pid),
      files: this.shared(KcmpType.Files, pid),
      fs: this.shared(KcmpType.Fs, pid),
      signalHandlers: this.shared(KcmpType.Sighand, pid),
      pidNamespace: undefined,
      netNamespace: undefined,
      ipcNamespace: undefined,
      utsNamespace: undefined,
      mountNamespace: undefined,
      userNamespace: undefined,
      cgroupNamespace: undefined,
      timeNamespace: undefined,
    };
    for (const [name, field] of NAMESPACES) {
      const inode = links.get(name);
      if (inode !== undefined) ids[field] = this.namespace(inode);
    }
    return ids;
  }
}
