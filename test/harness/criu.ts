/**
 * CRIU 4, for the tests that dump with it and restore with amber and the
 * other way round: $AMBER_CRIU, or the copy `.ci/fetch-criu` puts in the
 * repository's .peers/criu.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const REPOSITORY = path.resolve(__dirname, '../../..');
const FETCHED = path.join(REPOSITORY, '.peers/criu/criu');
/** Lines of a CRIU log that say what went wrong. */
const ERROR_LINE = /Error \(/;

/** The CRIU command, or why there is none. */
export function findCriu(): { command: string } | { missing: string } {
  const command = process.env.AMBER_CRIU ?? FETCHED;
  if (!fs.existsSync(command)) return { missing: `no CRIU at ${command}: run .ci/fetch-criu, or set AMBER_CRIU` };
  const version = /^Version: (\d+)\./m.exec(execFileSync(command, ['--version'], { encoding: 'utf8' }));
  if (version === null || Number(version[1]) < 4) return { missing: `${command} is not CRIU 4 or later` };
  return { command };
}

/** Runs `criu ACTION -D imagesDir ...` with a log in the images directory; a failure names the log's error lines. */
export async function runCriu(command: string, action: 'dump' | 'restore', imagesDir: string, args: readonly string[]): Promise<void> {
  const log = `${action}.log`;
  try {
    await promisify(execFile)(command, [action, '-D', imagesDir, '-o', log, ...args]);
  } catch {
    const text = fs.existsSync(path.join(imagesDir, log)) ? fs.readFileSync(path.join(imagesDir, log), 'utf8') : '';
    const errors = text.split('\n').filter((line) => ERROR_LINE.test(line));
    throw new Error(`criu ${action} failed: ${errors.join(' / ') || 'no log'}`);
  }
}
