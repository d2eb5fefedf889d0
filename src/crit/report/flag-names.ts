/** Flag bits by the names crit prints for them (O_APPEND, MAP_PRIVATE, VMA_AREA_HEAP...). */
import { FLAG_TABLES } from '../../images/json/display-tables';
import type { Flags } from '../../model';

/** Which of crit's flag tables names the bits. */
type FlagTableName = 'mmap.flags' | 'mmap.status' | 'rfile.flags';

/** The raw number a model flag set stands for. */
function rawValue<N extends string>(flags: Flags<N>, bits: Readonly<Record<N, number>>): number {
  return (Object.keys(bits) as N[]).reduce((raw, name) => (flags[name] ? raw | bits[name] : raw), flags.otherBits) >>> 0;
}

/** The set bits by crit's names, any it has no name for in hex; `leave` drops bits shown elsewhere. */
export function bitNames<N extends string>(flags: Flags<N>, bits: Readonly<Record<N, number>>, table: FlagTableName, leave = 0): string[] {
  let rest = (rawValue(flags, bits) & ~leave) >>> 0;
  const names: string[] = [];
  for (const [name, bit] of FLAG_TABLES.get(table) ?? []) {
    if (bit === 0 || ((rest & bit) >>> 0) !== bit) continue;
    names.push(name);
    rest = (rest & ~bit) >>> 0;
  }
  return rest === 0 ? names : [...names, `0x${rest.toString(16)}`];
}
