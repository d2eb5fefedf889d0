/**
 * Builds the C test programs of test/programs/ (and the benchmarks' own, in
 * bench/programs/) with gcc at test time. A build
 * is cached in the system's temp directory under a hash of the sources, so
 * each program compiles once per change, even across test files.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

/** test/programs in the repository, seen from dist/test/harness/. */
const PROGRAMS_DIR = path.resolve(__dirname, '../../..', 'test', 'programs');
/** bench/programs in the repository. */
export const BENCH_PROGRAMS_DIR = path.resolve(__dirname, '../../..', 'bench', 'programs');
const CACHE_DIR = path.join(os.tmpdir(), 'amber-test-programs');
const GCC_FLAGS = ['-O1', '-g', '-Wall', '-Werror', '-pthread'];

function sourceHash(directory: string, source: string): string {
  const hash = createHash('sha256');
  hash.update(GCC_FLAGS.join(' '));
  const headers = fs.readdirSync(directory).filter((name) => name.endsWith('.h')).sort();
  for (const file of [...headers.map((name) => path.join(directory, name)), source]) hash.update(fs.readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/** The path of the executable built from NAME.c in `directory` (test/programs by default). */
export async function buildProgram(name: string, directory = PROGRAMS_DIR): Promise<string> {
  const source = path.join(directory, `${name}.c`);
  const binary = path.join(CACHE_DIR, `${name}-${sourceHash(directory, source)}`);
  if (fs.existsSync(binary)) return binary;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  // Build under a unique name and rename: test files building at once never see half a binary.
  const partial = `${binary}.${process.pid}.partial`;
  try {
    await promisify(execFile)('gcc', [...GCC_FLAGS, '-o', partial, source]);
  } catch (e) {
    throw new Error(`gcc failed for ${name}.c: ${(e as { stderr?: string }).stderr ?? String(e)}`);
  }
  fs.renameSync(partial, binary);
  return binary;
}
