import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { LogLevel, type Verbosity } from '../../src/log/level';
import { configureLogging, flushLogs, logger } from '../../src/log/logger';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amber-log-'));
after(() => {
  configureLogging({ file: null });
  fs.rmSync(dir, { recursive: true });
});

async function logAtEveryLevel(verbosity: Verbosity): Promise<string[]> {
  const file = path.join(dir, `v${verbosity}.log`);
  configureLogging({ file, level: verbosity, format: 'text' });
  const log = logger('test');
  log.error('e');
  log.warn('w');
  log.info('i');
  log.debug('d');
  await flushLogs();
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => line.slice(-1));
}

test('each verbosity writes its level and the ones below, as CRIU -v0..-v4', async () => {
  assert.deepEqual(await logAtEveryLevel(0), []);
  assert.deepEqual(await logAtEveryLevel(1), ['e']);
  assert.deepEqual(await logAtEveryLevel(2), ['e', 'w']);
  assert.deepEqual(await logAtEveryLevel(3), ['e', 'w', 'i']);
  assert.deepEqual(await logAtEveryLevel(4), ['e', 'w', 'i', 'd']);
});

test('a disabled level neither builds the message nor reports itself enabled', () => {
  configureLogging({ file: path.join(dir, 'off.log'), level: 2 });
  const log = logger('test');
  let built = 0;
  log.debug(() => `built ${++built}`);
  assert.equal(built, 0);
  assert.equal(log.enabled(LogLevel.Debug), false);
  assert.equal(log.enabled(LogLevel.Warn), true);
  log.warn(() => `built ${++built}`);
  assert.equal(built, 1);
});

test('the log file is created owner-only and lines keep their order across many batches', async () => {
  const file = path.join(dir, 'order.log');
  configureLogging({ file, level: 4, format: 'json' });
  const log = logger('order');
  const count = 50_000;
  for (let seq = 0; seq < count; seq++) log.debug('message', { seq });
  await flushLogs();
  const seqs = fs
    .readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => (JSON.parse(line) as { seq: number }).seq);
  assert.deepEqual(seqs, Array.from({ length: count }, (_, i) => i));
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
});

test('unconfigured, errors and warnings go to stderr and nothing else is written', () => {
  const loggerModule = path.resolve(__dirname, '../../src/log/logger.js');
  const script = `
    const log = require(${JSON.stringify(loggerModule)}).logger('child');
    log.error('broken', { pid: 42 });
    log.warn('odd');
    log.info('fine');
    log.debug('detail');`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(child.stdout, '');
  assert.match(child.stderr, /^\(\d\d\.\d{6}\) error pid 42 child: broken\n\(\d\d\.\d{6}\) warn  child: odd\n$/);
});
