import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-log-exit-'));
after(() => fs.rmSync(dir, { recursive: true }));

const loggerModule = path.resolve(__dirname, '../../src/log/logger.js');
const count = 100_000;

/** Runs a node child that logs `count` numbered debug lines to a file, then ends the way `ending` says. */
function logThen(ending: string): { file: string; status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const file = path.join(dir, `${ending.replace(/\W+/g, '_')}.log`);
  const script = `
    const { configureLogging, logger } = require(${JSON.stringify(loggerModule)});
    configureLogging({ file: ${JSON.stringify(file)}, level: 4 });
    const log = logger('child');
    for (let seq = 0; seq < ${count}; seq++) log.debug('line', { seq });
    ${ending};`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { file, status: child.status, signal: child.signal, stderr: child.stderr };
}

function assertComplete(file: string, after: string[] = []): void {
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.deepEqual(lines.slice(count).map((line) => line.replace(/^\(\S+\) /, '')), after);
  assert.equal(lines.length, count + after.length);
  lines.slice(0, count).forEach((line, seq) => assert.ok(line.endsWith(` child: line seq=${seq}`), `line ${seq}: ${line}`));
}

test('process.exit right after logging loses nothing', () => {
  const run = logThen('process.exit(3)');
  assert.equal(run.status, 3);
  assertComplete(run.file);
});

test('SIGTERM flushes the log, then still terminates amber by that signal', () => {
  const run = logThen("process.kill(process.pid, 'SIGTERM')");
  assert.equal(run.signal, 'SIGTERM');
  assertComplete(run.file);
});

test("a signal amber handles itself is left to amber's handler", () => {
  const run = logThen("process.on('SIGTERM', () => { log.info('cleaning up'); process.exit(0); }); process.kill(process.pid, 'SIGTERM')");
  assert.equal(run.status, 0);
  assertComplete(run.file, ['info  child: cleaning up']);
});

test('an uncaught exception flushes the log', () => {
  const run = logThen("throw new Error('boom')");
  assert.equal(run.status, 1);
  assert.match(run.stderr, /boom/);
  assertComplete(run.file);
});

test('an unhandled rejection flushes the log', () => {
  const run = logThen("Promise.reject(new Error('rejected'))");
  assert.equal(run.status, 1);
  assertComplete(run.file);
});
