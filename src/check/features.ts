import type { Feature } from './feature';
import { memDirtyTrack, memfd, memfdHugetlb, pagemapScan, softDirty, uffd, uffdNoncoop, uffdWp, uffdWpAsync } from './memory-probes';
import { clone3SetTid, kcmpFile, pidfdStore, timens } from './process-probes';
import { getRseqConf, processVmReadv, ptraceSeize, seccompFilters } from './ptrace-probes';
import { netDiagRaw, sockDiagInet, sockDiagInet6, sockDiagNetlink, sockDiagPacket, sockDiagUnix, tcpRepair } from './socket-probes';

/** Every feature `amber check` probes, in the order it prints them. */
export const features: readonly Feature[] = [
  ptraceSeize,
  getRseqConf,
  seccompFilters,
  processVmReadv,
  pidfdStore,
  kcmpFile,
  clone3SetTid,
  timens,
  sockDiagUnix,
  sockDiagInet,
  sockDiagInet6,
  sockDiagPacket,
  sockDiagNetlink,
  netDiagRaw,
  tcpRepair,
  memfd,
  memfdHugetlb,
  uffd,
  uffdNoncoop,
  uffdWp,
  uffdWpAsync,
  pagemapScan,
  softDirty,
  memDirtyTrack,
];

/** '-' and '_' are the same in names, so `soft-dirty` finds soft_dirty and `uffd_noncoop` finds uffd-noncoop. */
const canonical = (name: string): string => name.replace(/-/g, '_');

export function findFeature(name: string): Feature | undefined {
  return features.find((feature) => canonical(feature.name) === canonical(name));
}
