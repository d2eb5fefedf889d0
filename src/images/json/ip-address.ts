/**
 * `(criu).ipadd` fields: an address as 1 (IPv4) or 4 (IPv6) uint32 words,
 * each holding 4 address bytes in network order read as a little-endian
 * number. crit prints it the way Python's ipaddress module does.
 */

function swapBytes(word: number): number {
  return (((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | (word >>> 24)) >>> 0;
}

export function formatIpAddress(words: readonly number[]): string {
  const host = words.map(swapBytes);
  if (host.length === 1) return [24, 16, 8, 0].map((shift) => (host[0] >>> shift) & 0xff).join('.');
  const groups = host.slice(0, 4).flatMap((w) => [(w >>> 16).toString(16), (w & 0xffff).toString(16)]);
  return compressZeroRun(groups).join(':');
}

/** Replaces the first longest run (of 2 or more) of zero groups with an empty group ("::"). */
function compressZeroRun(groups: string[]): string[] {
  let bestStart = -1;
  let bestLength = 0;
  let start = -1;
  for (let i = 0; i < groups.length; i++) {
    if (groups[i] !== '0') {
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (i - start + 1 > bestLength) {
      bestLength = i - start + 1;
      bestStart = start;
    }
  }
  if (bestLength < 2) return groups;
  const head = groups.slice(0, bestStart);
  const tail = groups.slice(bestStart + bestLength);
  return [...(head.length === 0 ? [''] : head), '', ...(tail.length === 0 ? [''] : tail)];
}

const IPV4 = /^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})$/;

function parseIpv4(text: string): number | undefined {
  const match = IPV4.exec(text);
  if (match === null) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4 >>> 16, v4 & 0xffff);
    } else if (/^[0-9a-f]{1,4}$/i.test(part)) groups.push(parseInt(part, 16));
    else return undefined;
  }
  return groups;
}

function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return [0, 2, 4, 6].map((i) => ((groups[i] << 16) | groups[i + 1]) >>> 0);
}

/** The words of an address text, or `undefined` if it is neither IPv4 nor IPv6. */
export function parseIpAddress(text: string): number[] | undefined {
  const v4 = parseIpv4(text);
  const host = v4 !== undefined ? [v4] : parseIpv6(text);
  return host?.map(swapBytes);
}
