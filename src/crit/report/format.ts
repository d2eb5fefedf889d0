/** How the report writes numbers: addresses, byte sizes and counts. */
export function hexAddress(address: bigint): string {
  return `0x${address.toString(16)}`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** A byte count in the largest binary unit that keeps it at 1 or more: "4 KiB", "1.5 GiB". */
export function byteSize(bytes: bigint): string {
  let value = Number(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = Number.isInteger(value) ? 0 : 1;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** "1 thread", "3 threads", "2 watches". */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}
