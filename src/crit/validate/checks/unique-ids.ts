/** Images whose entries others look up by an id: each id may be there only once. */
import { FILES, REMAP_FPATH } from '../../../model/image-names';
import { entriesOf, type CheckContext } from '../context';
import { error, type Finding } from '../findings';
import { MEMFD_INODES, TTY_INFO } from '../image-names';

const KEYED: readonly { image: string; field: string }[] = [
  { image: FILES, field: 'id' },
  { image: TTY_INFO, field: 'id' },
  { image: MEMFD_INODES, field: 'inode_id' },
  { image: REMAP_FPATH, field: 'orig_id' },
];

export function checkUniqueIds(context: CheckContext): Finding[] {
  return KEYED.flatMap(({ image, field }) => {
    const first = new Map<unknown, number>();
    return entriesOf(context, image).flatMap((entry, index) => {
      const id = entry[field];
      const earlier = first.get(id);
      if (earlier !== undefined) return [error(image, `${field} ${String(id)} is already entry ${earlier}`, { entry: index, field })];
      first.set(id, index);
      return [];
    });
  });
}
