import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The first of `names` found as an executable file on PATH or as given (absolute), or undefined. */
export function findProgram(...names: string[]): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const name of names) {
    const candidates = path.isAbsolute(name) ? [name] : dirs.map((dir) => path.join(dir, name));
    const found = candidates.find(isExecutable);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Runs a program to completion; throws with its stderr if it fails. Returns its stdout. */
export function runProgram(program: string, args: readonly string[], input?: string): string {
  const result = spawnSync(program, args, { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${path.basename(program)} ${args.join(' ')} exited with ${result.status ?? result.signal}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}
