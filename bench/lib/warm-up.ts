import { execFileSync } from 'node:child_process';

/**
 * Touches and frees `bytes` of memory in a short-lived process. Memory freed
 * on a virtual machine can go back to the host within seconds, and its first
 * touch after that is several times slower: warming up right before a timed
 * run keeps that cost out of it. A separate process keeps amber's own peak
 * RSS its own.
 */
export function warmUpMemory(bytes: number): void {
  if (bytes > 0) execFileSync(process.execPath, ['-e', `Buffer.alloc(${bytes}, 1)`]);
}
