/**
 * The checkpoint-wide images: inventory.img (format version, the dumper's
 * own ids, a run id) and the time namespace's clocks.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type { Inventory, TaskIds, TimeNamespace } from '../model';

/** The image-set version CRIU 4.x writes. */
const IMAGE_VERSION = 2;

/** The security module as CRIU names it; amber restores no labels, so this only records the host. */
function securityModule(): string {
  if (fs.existsSync('/sys/fs/selinux/enforce')) return 'SELINUX';
  if (fs.existsSync('/sys/kernel/security/apparmor')) return 'APPARMOR';
  return 'NO_LSM';
}

/** `rootCgroupSet`: the cgroup set the dumper is in (undefined when cgroups are ignored). */
export function inventoryOf(dumperIds: TaskIds, rootCgroupSet: number | undefined): Inventory {
  return {
    imageVersion: IMAGE_VERSION,
    fdinfoPerId: true,
    namespacesPerId: true,
    rootIds: dumperIds,
    rootCgroupSet,
    securityModule: securityModule(),
    dumpRunId: randomUUID(),
    unmodeled: { network_lock_method: 0, plugins_entry: {} },
  };
}

function nanosecondsToSpec(ns: bigint): TimeNamespace['monotonicOffset'] {
  return { seconds: ns / 1_000_000_000n, nanoseconds: ns % 1_000_000_000n };
}

/**
 * The clocks of the tree's time namespace at dump time (id 0: the host's),
 * from which a restore computes the offsets that keep them going on.
 */
export function timeNamespaceNow(): TimeNamespace {
  const monotonic = process.hrtime.bigint();
  // /proc/uptime is CLOCK_BOOTTIME in hundredths of a second; it is never behind the monotonic clock.
  const [uptime] = fs.readFileSync('/proc/uptime', 'utf8').split(' ');
  const boottime = BigInt(Math.round(Number(uptime) * 100)) * 10_000_000n;
  return { id: 0, monotonicOffset: nanosecondsToSpec(monotonic), boottimeOffset: nanosecondsToSpec(boottime > monotonic ? boottime : monotonic) };
}
