/** Address arithmetic shared by the memory and register checks. */
import { PAGE_SIZE } from '../../../images';
import type { Address, Vma } from '../../../model';

export const PAGE = BigInt(PAGE_SIZE);

export const hex = (address: Address): string => `0x${address.toString(16)}`;

/** The end of 4-level paging's lower half; with 5-level paging (LA57) user space reaches 2^56. */
const LOWER_HALF_4_LEVEL = 1n << 47n;
const LOWER_HALF_5_LEVEL = 1n << 56n;
const KERNEL_HALF = 1n << 63n;
const U64 = 1n << 64n;

/** User memory above the 48-bit range, which only 5-level paging gives (the vsyscall page sits in the kernel half). */
const usesFiveLevelPaging = (vmas: readonly Vma[]): boolean => vmas.some((vma) => vma.end > LOWER_HALF_4_LEVEL && vma.start < KERNEL_HALF);

/**
 * x86_64 addresses are canonical when every bit above the paging width
 * repeats its top bit (Intel SDM vol. 1, 3.3.7.1): 48 bits, or 57 for a task
 * that had memory where only 5-level paging puts it.
 */
export function isCanonical(address: Address, vmas: readonly Vma[]): boolean {
  const half = usesFiveLevelPaging(vmas) ? LOWER_HALF_5_LEVEL : LOWER_HALF_4_LEVEL;
  return address < half || address >= U64 - half;
}

/** The VMA holding `address`, if any. */
export function vmaAt(vmas: readonly Vma[], address: Address): Vma | undefined {
  return vmas.find((vma) => vma.start <= address && address < vma.end);
}

/** Whether [start, end) lies in VMAs that follow each other without a gap. */
export function isMapped(vmas: readonly Vma[], start: Address, end: Address): boolean {
  let at = start;
  while (at < end) {
    const vma = vmaAt(vmas, at);
    if (vma === undefined) return false;
    at = vma.end;
  }
  return true;
}
