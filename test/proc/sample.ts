/** Access to the captured /proc text in test/proc/samples (see capture.sh there). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AmberError } from '../../src/errors';
import { asPid } from '../../src/sys/types';

/** This test process and its parent, typed for the readers. */
export const ownPid = asPid(process.pid);
export const parentPid = asPid(process.ppid);

// From dist/test/proc/ back to the repo, where the samples stay.
const SAMPLES = path.resolve(__dirname, '../../..', 'test/proc/samples');

export function sampleText(name: string): string {
  return fs.readFileSync(path.join(SAMPLES, name), 'utf8');
}

export function sampleBytes(name: string): Buffer {
  return fs.readFileSync(path.join(SAMPLES, name));
}

/** What make-samples reported it made ("eventfd 3", "mapped-pages 0x7f..."), by name. */
export function made(what: string): string {
  const line = sampleText('made.txt')
    .split('\n')
    .find((entry) => entry.startsWith(`${what} `));
  assert.ok(line !== undefined, `made.txt has no "${what}"`);
  return line.slice(what.length + 1);
}

export function madeNumber(what: string): number {
  return Number(made(what));
}

/** Asserts that `parse` fails with a one-line AmberError that starts with `prefix` (the file, maybe a line). */
export function assertParseError(parse: () => unknown, prefix: string): void {
  assert.throws(parse, (e: unknown) => {
    assert.ok(e instanceof AmberError, `expected an AmberError, got ${String(e)}`);
    assert.ok(e.message.startsWith(prefix), `"${e.message}" should start with "${prefix}"`);
    assert.ok(!e.message.includes('\n'), `"${e.message}" should be one line`);
    return true;
  });
}
