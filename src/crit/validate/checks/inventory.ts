/** inventory.img: an image set of the version and layout that restore reads. */
import { INVENTORY } from '../../../model/image-names';
import type { CheckContext } from '../context';
import { error, type Finding } from '../findings';

/** The image-set version CRIU 4.x writes and reads. */
const IMAGE_VERSION = 2;

export function checkInventory({ checkpoint }: CheckContext): Finding[] {
  const { imageVersion, fdinfoPerId } = checkpoint.inventory;
  const findings: Finding[] = [];
  if (imageVersion !== IMAGE_VERSION) {
    findings.push(error(INVENTORY, `image set version ${imageVersion}; restore reads version ${IMAGE_VERSION}`, { entry: 0, field: 'img_version' }));
  }
  if (fdinfoPerId !== true) {
    findings.push(error(INVENTORY, 'fd tables are named by pid, an old layout restore does not read', { entry: 0, field: 'fdinfo_per_id' }));
  }
  return findings;
}
