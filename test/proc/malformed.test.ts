/**
 * Damaged /proc text must fail with a one-line AmberError naming the file,
 * never with a TypeError: every parser gets many random edits of its sample.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { AmberError } from '../../src/errors';
import { parseAuxv } from '../../src/proc/auxv';
import { parseFdinfo } from '../../src/proc/fdinfo';
import { parseLocks } from '../../src/proc/locks';
import { parseMaps } from '../../src/proc/maps';
import { parseMountInfo } from '../../src/proc/mountinfo';
import { parseSmaps } from '../../src/proc/smaps';
import { parseStat } from '../../src/proc/stat';
import { parseStatus } from '../../src/proc/status';
import { parseTimers } from '../../src/proc/timers';
import { sampleBytes, sampleText } from './sample';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function randomSource(seed: number): (below: number) => number {
  let state = seed;
  return (below) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % below);
  };
}

const INSERTS = [' ', ':', '(', ')', '-', '\n', '\t', 'x', '9', '\\', ''];

function damage(text: string, random: (below: number) => number): string {
  const at = random(text.length + 1);
  switch (random(4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + random(8));
    case 2:
      return text.slice(0, at) + INSERTS[random(INSERTS.length)] + text.slice(at + 1);
    default:
      return text.slice(0, at) + INSERTS[random(INSERTS.length)] + text.slice(at);
  }
}

function assertFailsCleanly(parse: () => unknown, file: string, input: string): void {
  try {
    parse();
  } catch (e) {
    const shown = JSON.stringify(input.slice(0, 200));
    assert.ok(e instanceof AmberError, `${String(e)} for ${shown}`);
    assert.ok(e.message.startsWith(`${file}: `) && !e.message.includes('\n'), `"${e.message}" for ${shown}`);
  }
}

const TEXT_PARSERS: [sample: string, parse: (text: string, file: string) => unknown][] = [
  ['stat', parseStat],
  ['status', parseStatus],
  ['maps', parseMaps],
  ['smaps', parseSmaps],
  ['mountinfo', parseMountInfo],
  ['timers', parseTimers],
  ['locks', parseLocks],
  ...['eventfd', 'epoll', 'signalfd', 'timerfd', 'inotify', 'fanotify', 'lock-range'].map(
    (kind): [string, (text: string, file: string) => unknown] => [`fdinfo-${kind}`, (text, file) => parseFdinfo(text, file)],
  ),
];

for (const [sample, parse] of TEXT_PARSERS) {
  test(`malformed ${sample}: 400 random edits fail cleanly or parse`, () => {
    const random = randomSource(sample.length * 7919);
    const original = sampleText(sample);
    for (let round = 0; round < 400; round++) {
      const text = damage(round % 2 === 0 ? original : damage(original, random), random);
      assertFailsCleanly(() => parse(text, `/proc/1/${sample}`), `/proc/1/${sample}`, text);
    }
  });
}

test('malformed auxv: every truncation fails cleanly or parses', () => {
  const bytes = sampleBytes('auxv');
  for (let length = 0; length < bytes.length; length++) {
    assertFailsCleanly(() => parseAuxv(bytes.subarray(0, length), '/proc/1/auxv'), '/proc/1/auxv', `${length} bytes`);
  }
});
