/**
 * A thread's credentials, set inside the thread by injected syscalls, which
 * act on the calling thread only (glibc's setresuid() would change all).
 * The thread starts with amber's: root with amber's capabilities. Each step
 * needs privileges that a later one may give up, hence the order:
 *
 *  1. groups and gids (CAP_SETGID);
 *  2. SECBIT_NO_SETUID_FIXUP (CAP_SETPCAP), so that leaving uid 0 keeps the
 *     capabilities (capabilities(7), "Effect of user ID changes");
 *  3. uids (CAP_SETUID), then the inheritable set with every capability
 *     still permitted and effective;
 *  4. the ambient set (needs each capability permitted and inheritable),
 *     the bounding set and the securebits (CAP_SETPCAP);
 *  5. last, the permitted and effective sets, which may drop all of that.
 *
 * A uid or gid change resets the parent-death signal and the dumpable flag
 * (kernel/cred.c, commit_creds); src/restore/identity.ts sets them afterwards.
 */
import * as fs from 'node:fs';
import { AmberError } from '../errors';
import type { CapabilitySet, Credentials } from '../model';
import { readStatus, type IdSet, type ProcStatus } from '../proc/status';
import type { ScratchPage } from '../sys/scratch';
import { Syscall } from '../sys/syscall-numbers';
import type { RemoteTask } from './remote-task';
import { writeArguments } from './scratch-layout';

const PR_CAPBSET_DROP = 24n;
const PR_SET_SECUREBITS = 28n;
const PR_SET_NO_NEW_PRIVS = 38n;
const PR_CAP_AMBIENT = 47n;
const PR_CAP_AMBIENT_RAISE = 2n;
const PR_CAP_AMBIENT_CLEAR_ALL = 4n;
const SECBIT_NO_SETUID_FIXUP = 1n << 2n;
const LINUX_CAPABILITY_VERSION_3 = 0x20080522;
/** setfsuid(2) and setfsgid(2) never fail: an id that is not valid just returns the current one. */
const INVALID_ID = 0xffff_ffffn;

interface CapabilitySets {
  effective: CapabilitySet;
  permitted: CapabilitySet;
  inheritable: CapabilitySet;
}

function highestCapability(): number {
  return Number(fs.readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
}

const capabilitiesIn = (set: CapabilitySet): number[] =>
  Array.from({ length: highestCapability() + 1 }, (_, cap) => cap).filter((cap) => ((set >> BigInt(cap)) & 1n) === 1n);

/** capset(2) with a version 3 header (pid 0: the calling thread) and two 32-bit halves of each set. */
function setCapabilities(remote: RemoteTask, scratch: ScratchPage, sets: CapabilitySets, what: string): void {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(LINUX_CAPABILITY_VERSION_3, 0);
  const data = Buffer.alloc(24);
  [0, 1].forEach((half) => {
    const word = (set: CapabilitySet): number => Number((set >> BigInt(32 * half)) & 0xffff_ffffn);
    data.writeUInt32LE(word(sets.effective), 12 * half);
    data.writeUInt32LE(word(sets.permitted), 12 * half + 4);
    data.writeUInt32LE(word(sets.inheritable), 12 * half + 8);
  });
  const [headerAddress, dataAddress] = writeArguments(scratch, header, data);
  remote.check(what, Syscall.Capset, headerAddress, dataAddress);
}

/** setfsuid/setfsgid, then a second call that reports the id now in use. */
function setFilesystemId(remote: RemoteTask, nr: Syscall, id: number, kind: string): void {
  remote.syscall(nr, BigInt(id));
  const now = remote.syscall(nr, INVALID_ID);
  if (now !== BigInt(id)) throw new AmberError(`${remote.name}: cannot set its filesystem ${kind} to ${id} (it is ${now})`);
}

function setGroupsAndGids(remote: RemoteTask, scratch: ScratchPage, creds: Credentials): void {
  const groups = Buffer.alloc(4 * Math.max(creds.supplementaryGroups.length, 1));
  creds.supplementaryGroups.forEach((group, i) => groups.writeUInt32LE(group, 4 * i));
  const [groupsAddress] = writeArguments(scratch, groups);
  remote.check('setting its supplementary groups', Syscall.Setgroups, BigInt(creds.supplementaryGroups.length), groupsAddress);
  remote.check('setting its gids', Syscall.Setresgid, BigInt(creds.gid), BigInt(creds.egid), BigInt(creds.sgid));
  setFilesystemId(remote, Syscall.Setfsgid, creds.fsgid, 'gid');
}

function setUids(remote: RemoteTask, creds: Credentials): void {
  remote.check('keeping its capabilities across the uid change', Syscall.Prctl, PR_SET_SECUREBITS, SECBIT_NO_SETUID_FIXUP);
  remote.check('setting its uids', Syscall.Setresuid, BigInt(creds.uid), BigInt(creds.euid), BigInt(creds.suid));
  setFilesystemId(remote, Syscall.Setfsuid, creds.fsuid, 'uid');
}

function setAmbientAndBounding(remote: RemoteTask, ambient: CapabilitySet, bounding: CapabilitySet, current: CapabilitySet): void {
  remote.check('clearing its ambient capabilities', Syscall.Prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0n, 0n, 0n);
  for (const cap of capabilitiesIn(ambient)) {
    remote.check(`raising ambient capability ${cap}`, Syscall.Prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, BigInt(cap), 0n, 0n);
  }
  for (const cap of capabilitiesIn(current & ~bounding)) {
    remote.check(`dropping capability ${cap} from its bounding set`, Syscall.Prctl, PR_CAPBSET_DROP, BigInt(cap));
  }
}

const sameIds = (ids: IdSet, real: number, effective: number, saved: number, filesystem: number): boolean =>
  ids.real === real && ids.effective === effective && ids.saved === saved && ids.filesystem === filesystem;

/** Whether the thread has `creds` already, securebits aside (amber's are not in /proc; they are set anyway). */
function hasCredentials(status: ProcStatus, creds: Credentials): boolean {
  const sameGroups = status.groups.length === creds.supplementaryGroups.length && status.groups.every((group, i) => group === creds.supplementaryGroups[i]);
  const sameSet = (recorded: CapabilitySet | undefined, current: CapabilitySet | undefined): boolean => recorded === undefined || recorded === (current ?? 0n);
  return (
    sameGroups &&
    sameIds(status.uid, creds.uid, creds.euid, creds.suid, creds.fsuid) &&
    sameIds(status.gid, creds.gid, creds.egid, creds.sgid, creds.fsgid) &&
    sameSet(creds.effective, status.capEff) &&
    sameSet(creds.permitted, status.capPrm) &&
    sameSet(creds.inheritable, status.capInh) &&
    sameSet(creds.bounding, status.capBnd) &&
    // The slow path clears an ambient set the image does not give.
    (creds.ambient ?? 0n) === (status.capAmb ?? 0n)
  );
}

/** Gives the thread behind `remote` the credentials `creds`; the thread must still have amber's. */
export function restoreCredentials(remote: RemoteTask, scratch: ScratchPage, creds: Credentials): void {
  const amber = readStatus(remote.pid, remote.tid);
  if (hasCredentials(amber, creds)) {
    // A task dumped with the restorer's own credentials: only what /proc does not show.
    remote.check('setting its securebits', Syscall.Prctl, PR_SET_SECUREBITS, BigInt(creds.securebits));
    if (creds.noNewPrivileges === true) remote.check('setting no_new_privs', Syscall.Prctl, PR_SET_NO_NEW_PRIVS, 1n, 0n, 0n, 0n);
    return;
  }
  const target: CapabilitySets = {
    effective: creds.effective ?? amber.capEff,
    permitted: creds.permitted ?? amber.capPrm,
    inheritable: creds.inheritable ?? amber.capInh,
  };
  setGroupsAndGids(remote, scratch, creds);
  setUids(remote, creds);
  setCapabilities(remote, scratch, { effective: amber.capPrm, permitted: amber.capPrm, inheritable: target.inheritable }, 'setting its inheritable capabilities');
  setAmbientAndBounding(remote, creds.ambient ?? 0n, creds.bounding ?? amber.capBnd, amber.capBnd);
  remote.check('setting its securebits', Syscall.Prctl, PR_SET_SECUREBITS, BigInt(creds.securebits));
  setCapabilities(remote, scratch, target, 'setting its capabilities');
  if (creds.noNewPrivileges === true) remote.check('setting no_new_privs', Syscall.Prctl, PR_SET_NO_NEW_PRIVS, 1n, 0n, 0n, 0n);
}
