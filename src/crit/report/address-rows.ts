/**
 * The memory map's scale. A 47-bit address space is mostly holes, so the map
 * is cut into rows: a new row starts wherever the hole before a mapping is
 * larger than everything already in the row. Each row is drawn full width on
 * its own linear scale, so within a row every mapping's width (and every
 * small hole's) is proportional to its size; the big holes between rows are
 * only labelled with their size.
 */
import type { Address, Vma } from '../../model';
import { byStart } from './addresses';

export interface AddressRow {
  start: Address;
  end: Address;
  vmas: Vma[];
}

/** The rows of a memory map, in address order. */
export function addressRows(vmas: readonly Vma[]): AddressRow[] {
  const rows: AddressRow[] = [];
  for (const vma of [...vmas].sort(byStart)) {
    const row = rows.at(-1);
    if (row !== undefined && vma.start - row.end <= row.end - row.start) {
      row.vmas.push(vma);
      if (vma.end > row.end) row.end = vma.end;
    } else {
      rows.push({ start: vma.start, end: vma.end, vmas: [vma] });
    }
  }
  return rows;
}

/** Where `address` falls across a row drawn `width` wide. */
export function positionIn(row: AddressRow, address: Address, width: number): number {
  return (Number(address - row.start) / Number(row.end - row.start)) * width;
}
