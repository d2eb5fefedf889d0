/**
 * Runs the benchmarks in bench/ one after the other, each in its own
 * process, and lets each print its table; says at the end which failed.
 *
 *   npm run bench              every benchmark
 *   node dist/bench/run.js log crit    only those
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Scripts in bench/ that are not benchmarks: this one, and the image generator crit.js uses. */
const NOT_BENCHMARKS = new Set(['run.js', 'gen-images.js']);

function benchmarks(): string[] {
  return fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith('.js') && !NOT_BENCHMARKS.has(name))
    .sort();
}

function main(wanted: readonly string[]): number {
  const found = benchmarks();
  const unknown = wanted.filter((name) => !found.includes(`${name}.js`));
  if (unknown.length > 0) {
    process.stderr.write(`no benchmark ${unknown.join(', ')} (there are: ${found.map((name) => path.basename(name, '.js')).join(', ')})\n`);
    return 2;
  }
  const chosen = wanted.length === 0 ? found : found.filter((name) => wanted.includes(path.basename(name, '.js')));
  const failed: string[] = [];
  for (const script of chosen) {
    process.stdout.write(`\n== ${path.basename(script, '.js')} ==\n`);
    const run = spawnSync(process.execPath, [path.join(__dirname, script)], { stdio: 'inherit' });
    if (run.status !== 0) failed.push(`${script} (${run.error?.message ?? run.signal ?? `exit ${run.status}`})`);
  }
  process.stdout.write(`\n${chosen.length - failed.length} of ${chosen.length} benchmarks ran${failed.length === 0 ? '' : `; failed: ${failed.join(', ')}`}\n`);
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
