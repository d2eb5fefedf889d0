/** Ordering by address, for lists the images should hold sorted but a damaged image might not. */
import type { Address } from '../../model';

export function byStart<T extends { start: Address }>(a: T, b: T): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
}
