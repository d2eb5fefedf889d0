import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressBar, renderProgress, type ProgressStream } from '../../src/cli/progress';

test('the bar shows pages, percent and MB/s, fitted to the terminal', () => {
  const line = renderProgress('dump', 2500, 10000, 2000, 80);
  assert.equal(line.length, 79);
  assert.match(line, /^dump \[#+-+\] 2500\/10000 pages 25% 5\.1 MB\/s$/);
  const bar = /\[(#*)(-*)\]/.exec(line)!;
  assert.ok(Math.abs(bar[1].length - (bar[1].length + bar[2].length) / 4) <= 0.5, line);
  assert.match(renderProgress('dump', 10, 10, 1000, 80), /\[#+\] 10\/10 pages 100% /);
  assert.match(renderProgress('dump', 0, 0, 0, 80), / 0\/0 pages 0% 0\.0 MB\/s$/);
  const narrow = renderProgress('restore', 1, 4, 1000, 30);
  assert.ok(narrow.length < 30 && !narrow.includes('['), narrow);
});

function fakeTerminal(isTTY: boolean): ProgressStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY, columns: 60, written, write: (text: string) => written.push(text) };
}

test('drawn on a terminal after a second, at most every 100 ms, and cleared at the end', () => {
  let clock = 0;
  const terminal = fakeTerminal(true);
  const bar = new ProgressBar('dump', terminal, { now: () => clock });
  for (clock = 0; clock <= 2000; clock += 10) bar.update(clock, 2000);
  // Draws at 1000, 1100, ..., 2000.
  assert.equal(terminal.written.length, 11);
  assert.ok(terminal.written.every((text) => text.startsWith('\r\x1b[K')));
  assert.match(terminal.written[0], /1000\/2000 pages 50%/);
  bar.finish();
  assert.equal(terminal.written.at(-1), '\r\x1b[K');
});

test('a quick operation draws nothing, and neither does one whose stderr is not a terminal', () => {
  let clock = 0;
  const quick = fakeTerminal(true);
  const quickBar = new ProgressBar('dump', quick, { now: () => clock });
  for (clock = 0; clock < 1000; clock += 50) quickBar.update(clock, 1000);
  quickBar.finish();
  assert.deepEqual(quick.written, []);

  const pipe = fakeTerminal(false);
  const pipedBar = new ProgressBar('dump', pipe, { now: () => clock });
  for (clock = 0; clock < 5000; clock += 50) pipedBar.update(clock, 5000);
  pipedBar.finish();
  assert.deepEqual(pipe.written, []);
});
