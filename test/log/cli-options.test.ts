import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { AmberError } from '../../src/errors';
import { takeLogOptions } from '../../src/log/cli-options';
import { resolveLogPath } from '../../src/log/log-path';

test('CRIU spellings of the verbosity', () => {
  const verbosity = (...args: string[]): number => takeLogOptions(args).log.verbosity;
  assert.equal(verbosity(), 2);
  assert.equal(verbosity('-v'), 3);
  assert.equal(verbosity('-vv'), 4);
  assert.equal(verbosity('-vvvvv'), 4);
  assert.equal(verbosity('-v0'), 0);
  assert.equal(verbosity('-v4'), 4);
  assert.equal(verbosity('--verbosity=1'), 1);
  assert.equal(verbosity('--verbosity'), 3);
  assert.throws(() => verbosity('-vx'), AmberError);
});

test('log file and format are taken out; other arguments keep their order', () => {
  const { log, rest } = takeLogOptions(['-t', '42', '-o', 'dump.log', '-D', 'imgs', '--log-format=json', '-v4', '--', '-v']);
  assert.deepEqual(log, { file: 'dump.log', verbosity: 4, format: 'json' });
  assert.deepEqual(rest, ['-t', '42', '-D', 'imgs', '--', '-v']);
  assert.equal(takeLogOptions(['--log-file=/x.log']).log.file, '/x.log');
  assert.throws(() => takeLogOptions(['-o']), AmberError);
  assert.throws(() => takeLogOptions(['--log-format', 'xml']), AmberError);
});

test('-o: a relative name goes into the images directory, - is stdout', () => {
  assert.equal(resolveLogPath('dump.log', '/srv/imgs'), '/srv/imgs/dump.log');
  assert.equal(resolveLogPath('/var/log/d.log', '/srv/imgs'), '/var/log/d.log');
  assert.equal(resolveLogPath('-', '/srv/imgs'), '-');
  assert.equal(resolveLogPath('d.log'), path.resolve('d.log'));
});
