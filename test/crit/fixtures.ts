import * as fs from 'node:fs';
import * as path from 'node:path';

/** The CRIU 4.2 image fixtures, kept next to the repository in shared/. */
export const fixturesRoot = path.resolve(__dirname, '../../../..', 'shared/fixtures/criu-4.2');

/** The workloads: one dump directory each. */
export function workloads(): string[] {
  return fs
    .readdirSync(fixturesRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Paths of every image `crit decode` reads in a workload (not the raw pages-N.img). */
export function imagePaths(workload: string): string[] {
  const dir = path.join(fixturesRoot, workload);
  return fs
    .readdirSync(dir)
    .filter((name) => (name.endsWith('.img') && !name.startsWith('pages-')) || name === 'stats-dump')
    .sort()
    .map((name) => path.join(dir, name));
}
