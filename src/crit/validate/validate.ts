/** Validation of a checkpoint directory: decode every image, build the model, then run each kind of check. */
import { PSTREE } from '../../model/image-names';
import { checkEpollTargets } from './checks/epoll';
import { checkFdTables } from './checks/fds';
import { checkFileReferences } from './checks/file-refs';
import { checkInventory } from './checks/inventory';
import { checkMemory } from './checks/memory';
import { checkNamespaces } from './checks/namespaces';
import { checkPageFiles } from './checks/pages';
import { checkPipes } from './checks/pipes';
import { checkRegisters } from './checks/registers';
import { checkRemaps } from './checks/remaps';
import { checkSockets } from './checks/sockets';
import { checkThreadReferences } from './checks/thread-refs';
import { checkTree } from './checks/tree';
import { checkUniqueIds } from './checks/unique-ids';
import { checkContext, type Check } from './context';
import { hasErrors, type Finding } from './findings';
import { loadCheckpoint } from './load';
import { readImages } from './parse';
import { checkRegularFiles } from './system/files';
import { checkKernelFeatures } from './system/kernel';
import { checkIdsAreFree } from './system/pids';
import { checkTreeIdentity } from './tree-identity';

export interface ValidateOptions {
  /** Also check that a restore would succeed on this system: files, free pids, kernel features. */
  system?: boolean;
}

/** Checks that need nothing but the checkpoint. */
const CHECKPOINT_CHECKS: readonly Check[] = [
  checkInventory,
  checkTree,
  checkFdTables,
  checkUniqueIds,
  checkFileReferences,
  checkPipes,
  checkRemaps,
  checkSockets,
  checkEpollTargets,
  checkNamespaces,
  checkThreadReferences,
  checkMemory,
  checkPageFiles,
  checkRegisters,
];

/** Checks that compare the checkpoint with the system it would be restored on. */
const SYSTEM_CHECKS: readonly Check[] = [checkRegularFiles, checkIdsAreFree, checkKernelFeatures];

/**
 * Every problem found in the checkpoint in `directory`, without changing
 * anything. When an image does not decode or the model cannot be built,
 * only those problems are returned: the other checks need the model.
 * Throws an AmberError when `directory` is no checkpoint at all.
 */
export async function validateCheckpoint(directory: string, options: ValidateOptions = {}): Promise<Finding[]> {
  const listing = await readImages(directory);
  const findings = [...listing.findings, ...checkTreeIdentity(listing.images.get(PSTREE))];
  if (hasErrors(findings)) return findings;
  const checkpoint = await loadCheckpoint(directory);
  if ('severity' in checkpoint) return [...findings, checkpoint];
  const context = checkContext(directory, checkpoint, listing.images, listing.rawFiles, listing.hasParent);
  const checks = options.system === true ? [...CHECKPOINT_CHECKS, ...SYSTEM_CHECKS] : CHECKPOINT_CHECKS;
  for (const check of checks) findings.push(...(await check(context)));
  return findings;
}
