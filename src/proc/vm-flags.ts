/**
 * The two-letter VmFlags mnemonics of smaps (Documentation/filesystems/proc.rst,
 * fs/proc/task_mmu.c show_smap_vma_flags). Kernels add flags over time, so
 * unknown mnemonics are kept rather than rejected.
 */
import { FieldError } from './fields';

export const VM_FLAG_MEANINGS = {
  rd: 'readable',
  wr: 'writeable',
  ex: 'executable',
  sh: 'shared',
  mr: 'may read',
  mw: 'may write',
  me: 'may execute',
  ms: 'may share',
  gd: 'stack segment grows down',
  pf: 'pure PFN range',
  dw: 'disabled write to the mapped file',
  lo: 'pages are locked in memory',
  io: 'memory mapped I/O area',
  sr: 'sequential read advise provided',
  rr: 'random read advise provided',
  dc: 'do not copy area on fork',
  de: 'do not expand area on remapping',
  ac: 'area is accountable',
  nr: 'swap space is not reserved for the area',
  ht: 'area uses huge tlb pages',
  sf: 'synchronous page fault',
  nl: 'non-linear mapping',
  ar: 'architecture specific flag',
  wf: 'wipe on fork',
  dd: 'do not include area into core dump',
  sd: 'soft dirty flag',
  mm: 'mixed map area',
  hg: 'huge page advise flag',
  nh: 'no huge page advise flag',
  mg: 'mergeable advise flag',
  bt: 'arm64 BTI guarded page',
  mt: 'arm64 MTE allocation tags are enabled',
  um: 'userfaultfd missing tracking',
  uw: 'userfaultfd wr-protect tracking',
  ui: 'userfaultfd minor fault',
  ss: 'shadow stack page',
  sl: 'sealed',
  lf: 'lock on fault pages',
  dp: 'always lazily freeable mapping',
  gu: 'maybe contains guard regions',
} as const;

export type VmFlag = keyof typeof VM_FLAG_MEANINGS;

/** The VmFlags of one VMA. */
export class VmFlags {
  private constructor(
    /** Every mnemonic in the order the kernel printed them. */
    readonly mnemonics: readonly string[],
  ) {}

  /** Parses the value of a "VmFlags:" line: "rd wr mr mw me ac". */
  static parse(text: string): VmFlags {
    const mnemonics = text.split(' ').filter((mnemonic) => mnemonic !== '');
    const malformed = mnemonics.find((mnemonic) => !/^[a-z0-9]{2}$/.test(mnemonic));
    if (malformed !== undefined) throw new FieldError(`VmFlags: not a two-letter flag: "${malformed}"`);
    return new VmFlags(mnemonics);
  }

  has(flag: VmFlag): boolean {
    return this.mnemonics.includes(flag);
  }

  /** Mnemonics this version of amber has no meaning for. */
  unknown(): string[] {
    return this.mnemonics.filter((mnemonic) => !Object.hasOwn(VM_FLAG_MEANINGS, mnemonic));
  }

  toString(): string {
    return this.mnemonics.join(' ');
  }
}
