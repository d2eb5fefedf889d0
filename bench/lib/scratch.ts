import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** tmpfs, so that benchmarks measure the code and not the disk. */
const MEMORY_FS = '/dev/shm';

/** Runs `work` in a fresh directory on tmpfs (or the system temp dir without one) and removes it after. */
export async function withScratchDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const base = fs.existsSync(MEMORY_FS) ? MEMORY_FS : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, `${prefix}-`));
  try {
    return await work(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
