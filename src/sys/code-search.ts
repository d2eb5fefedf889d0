/**
 * Finding machine code in a task's own executable memory, for injected
 * syscalls to run from: a bare `syscall` instruction, a `syscall; ret`
 * pair, and a signal restorer (`mov $15, %rax; syscall`, rt_sigreturn, as
 * glibc's and musl's __restore_rt are written). A byte sequence found at
 * any offset decodes as those instructions when rip points at it.
 */
import type { Vma } from '../proc/maps';
import type { Address, Pid } from './types';
import { readTaskMemory } from './vm';

const SYSCALL = [0x0f, 0x05];
const RET = 0xc3;
const RT_SIGRETURN = 15;

export type CodeName = 'syscall' | 'syscallReturn' | 'sigreturn';

/** Every encoding amber accepts for each piece of code. */
const ENCODINGS: Record<CodeName, readonly Buffer[]> = {
  syscall: [Buffer.from(SYSCALL)],
  syscallReturn: [Buffer.from([...SYSCALL, RET])],
  sigreturn: [
    // mov $15, %rax (sign-extended imm32); syscall
    Buffer.from([0x48, 0xc7, 0xc0, RT_SIGRETURN, 0, 0, 0, ...SYSCALL]),
    // mov $15, %eax (zero-extends into rax); syscall
    Buffer.from([0xb8, RT_SIGRETURN, 0, 0, 0, ...SYSCALL]),
  ],
};

export type CodeAddresses<T extends CodeName> = Record<T, Address>;

/** The vdso first (small, in every task), then the C library's text, other files, and code generated at run time last. */
function searchOrder(vma: Vma): number {
  if (vma.kind === 'vdso') return 0;
  if (/\/libc[.-]/.test(vma.name)) return 1;
  return vma.kind === 'file' ? 2 : 3;
}

/**
 * Past searches by executable mappings and names: valid for any task with
 * the same mappings (a forked tree has one search) while the code is still
 * where it was found.
 */
const searches = new Map<string, Partial<CodeAddresses<CodeName>>>();

const describe = (mappings: readonly Vma[]): string =>
  mappings.map((vma) => `${vma.start}-${vma.end} ${vma.device.major}:${vma.device.minor}:${vma.inode}@${vma.offset} ${vma.name}`).join('\n');

/**
 * The first address of each of `names` in the task's readable executable
 * mappings (`maps`, its /proc/PID/maps); a name found nowhere is left out.
 * Reading stops as soon as every name is found.
 */
export function findCode<T extends CodeName>(pid: Pid, maps: readonly Vma[], names: readonly T[]): Partial<CodeAddresses<T>> {
  const mappings = maps.filter((vma) => vma.read && vma.exec && vma.kind !== 'vsyscall').sort((a, b) => searchOrder(a) - searchOrder(b));
  const key = `${names.join(' ')}\n${describe(mappings)}`;
  const last = searches.get(key);
  if (last !== undefined && stillThere(pid, last)) return last;
  const found = search(pid, mappings, names);
  searches.set(key, found);
  return found;
}

function stillThere(pid: Pid, found: Partial<CodeAddresses<CodeName>>): boolean {
  return Object.entries(found).every(([name, address]) =>
    ENCODINGS[name as CodeName].some((encoding) => readTaskMemory(pid, [{ addr: address, len: encoding.length }]).equals(encoding)),
  );
}

function search<T extends CodeName>(pid: Pid, mappings: readonly Vma[], names: readonly T[]): Partial<CodeAddresses<T>> {
  const found = new Map<T, Address>();
  for (const vma of mappings) {
    const code = readTaskMemory(pid, [{ addr: vma.start, len: Number(vma.end - vma.start) }]);
    for (const name of names) {
      if (found.has(name)) continue;
      const offsets = ENCODINGS[name].map((encoding) => code.indexOf(encoding)).filter((offset) => offset >= 0);
      if (offsets.length > 0) found.set(name, vma.start + BigInt(Math.min(...offsets)));
    }
    if (found.size === names.length) break;
  }
  return Object.fromEntries(found) as Partial<CodeAddresses<T>>;
}
