import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { asksForHelp, criuHelp, parseDumpCommandLine, parseRestoreCommandLine } from '../../src/cli/criu-options';
import { AmberError } from '../../src/errors';

const refusal = (pattern: RegExp) => (e: unknown): boolean => e instanceof AmberError && pattern.test(e.message);

test("criu's own dump command line", () => {
  const line = parseDumpCommandLine(['-t', '42', '-D', '/srv/imgs', '-o', 'dump.log', '-v4', '--shell-job', '-R', '--timeout', '5', '--pidfile', 'p', '-x', '-l']);
  assert.deepEqual(line.options, { pid: 42, imagesDir: '/srv/imgs', leaveRunning: true, shellJob: true, fileLocks: true, externalUnixSockets: true, pidfile: '/srv/imgs/p' });
  assert.deepEqual(line.log, { file: '/srv/imgs/dump.log', verbosity: 4, format: 'text' });
  assert.equal(line.workDir, '/srv/imgs');
  assert.equal(line.timeoutSeconds, 5);
  assert.equal(line.displayStats, false);
});

test('--opt=value, --opt value, -xVALUE and -x VALUE are the same', () => {
  const forms = [
    ['--tree=7', '--images-dir=/i'],
    ['--tree', '7', '--images-dir', '/i'],
    ['-t7', '-D/i'],
    ['-t', '7', '-D', '/i'],
  ];
  for (const form of forms) assert.deepEqual(parseDumpCommandLine(form).options, parseDumpCommandLine(['-t', '7', '-D', '/i']).options, form.join(' '));
});

test('the friendly positional forms', () => {
  const dump = parseDumpCommandLine(['123', 'imgs', '--leave-running']).options;
  assert.deepEqual([dump.pid, dump.imagesDir, dump.leaveRunning], [123, path.resolve('imgs'), true]);
  assert.equal(parseDumpCommandLine(['-t', '9', 'imgs']).options.imagesDir, path.resolve('imgs'));
  assert.equal(parseDumpCommandLine(['9']).options.imagesDir, process.cwd());
  const restore = parseRestoreCommandLine(['imgs', '-d', '-j']).options;
  assert.deepEqual(restore, { imagesDir: path.resolve('imgs'), detached: true, shellJob: true });
  assert.equal(parseRestoreCommandLine(['--', '-odd-name']).options.imagesDir, path.resolve('-odd-name'));
  assert.throws(() => parseDumpCommandLine(['1', 'a', 'b']), refusal(/^unexpected argument 'b'/));
  assert.throws(() => parseRestoreCommandLine(['a', 'b']), refusal(/^unexpected argument 'b'/));
  assert.throws(() => parseDumpCommandLine(['imgs']), refusal(/^invalid pid 'imgs'/));
  assert.throws(() => parseDumpCommandLine(['-D', 'imgs']), refusal(/no process to dump/));
});

test('logging: -v forms, --log-format, and a bare log file name lands in the work directory', () => {
  assert.equal(parseDumpCommandLine(['1']).log.verbosity, 2);
  assert.equal(parseDumpCommandLine(['1', '-v']).log.verbosity, 3);
  assert.equal(parseDumpCommandLine(['1', '-vv']).log.verbosity, 4);
  assert.equal(parseDumpCommandLine(['1', '-v1']).log.verbosity, 1);
  assert.equal(parseDumpCommandLine(['1', '--verbosity=0']).log.verbosity, 0);
  assert.equal(parseDumpCommandLine(['1', '--log-format', 'json']).log.format, 'json');
  assert.equal(parseRestoreCommandLine(['-D', '/i', '-o', 'r.log']).log.file, '/i/r.log');
  assert.equal(parseRestoreCommandLine(['-D', '/i', '-W', '/w', '--log-file=r.log']).log.file, '/w/r.log');
  assert.equal(parseRestoreCommandLine(['-D', '/i', '-o', '/var/log/r.log']).log.file, '/var/log/r.log');
  assert.equal(parseRestoreCommandLine(['-o', '-']).log.file, '-');
  assert.equal(parseRestoreCommandLine(['-D', '/i', '-W', '/w', '--pidfile', 'pid']).options.pidfile, '/w/pid');
  assert.throws(() => parseDumpCommandLine(['1', '-vx']), AmberError);
  assert.throws(() => parseDumpCommandLine(['1', '--log-format=xml']), AmberError);
});

test('unknown options and missing values are named', () => {
  assert.throws(() => parseDumpCommandLine(['1', '--foo']), { message: "unknown option '--foo' (see 'amber dump --help')" });
  assert.throws(() => parseRestoreCommandLine(['--foo=1']), { message: "unknown option '--foo' (see 'amber restore --help')" });
  assert.throws(() => parseDumpCommandLine(['1', '-Z']), { message: "unknown option '-Z' (see 'amber dump --help')" });
  assert.throws(() => parseDumpCommandLine(['-t']), { message: "option '-t' needs a value (see 'amber dump --help')" });
  assert.throws(() => parseRestoreCommandLine(['--images-dir']), { message: "option '--images-dir' needs a value (see 'amber restore --help')" });
  assert.throws(() => parseDumpCommandLine(['1', '--leave-running=yes']), refusal(/'--leave-running' takes no value/));
  assert.throws(() => parseDumpCommandLine(['--tree=abc']), refusal(/invalid argument for --tree: 'abc'/));
  assert.throws(() => parseDumpCommandLine(['1', '--timeout', '-3']), refusal(/invalid argument for --timeout/));
  assert.throws(() => parseDumpCommandLine(['1', '--ghost-limit', '1T']), refusal(/invalid argument for --ghost-limit: '1T'/));
});

test('--ghost-limit takes a size as CRIU writes one', () => {
  assert.equal(parseDumpCommandLine(['1', '--ghost-limit=512K']).options.ghostLimit, 512 << 10);
  assert.equal(parseDumpCommandLine(['1', '--ghost-limit', '2m']).options.ghostLimit, 2 << 20);
  assert.equal(parseDumpCommandLine(['1', '--ghost-limit=4096']).options.ghostLimit, 4096);
  assert.equal(parseDumpCommandLine(['1']).options.ghostLimit, undefined);
});

test("an option of the other command is refused, one of criu's later features says why", () => {
  assert.throws(() => parseRestoreCommandLine(['-t', '5']), refusal(/'-t' is for 'amber dump' only/));
  assert.throws(() => parseDumpCommandLine(['1', '--restore-detached']), refusal(/is for 'amber restore' only/));
  const later = [['--tcp-established'], ['--page-server'], ['--lazy-pages'], ['--external', 'veth[x]'], ['--ext-unix-sk=12'], ['--tls']];
  for (const args of later) assert.throws(() => parseDumpCommandLine(['1', ...args]), refusal(/is not supported by amber yet: \S/), args[0]);
  // --no-X asks for what amber does anyway.
  assert.equal(parseDumpCommandLine(['1', '--no-tcp-established', '--no-file-locks']).options.pid, 1);
  assert.equal(parseRestoreCommandLine(['-d', '--no-restore-detached']).options.detached, false);
});

test('short flags cluster as with getopt', () => {
  const line = parseDumpCommandLine(['-Rjt', '3']);
  assert.deepEqual([line.options.pid, line.options.leaveRunning, line.options.shellJob], [3, true, true]);
});

test('help is generated from the table and found anywhere before --', () => {
  assert.ok(asksForHelp(['1', '--help']));
  assert.ok(asksForHelp(['-h']));
  assert.ok(!asksForHelp(['--', '-h']));
  const dump = criuHelp('dump');
  assert.match(dump, /^ {2}-t, --tree PID +\S/m);
  assert.match(dump, /^ {2}-R, --leave-running +\S/m);
  assert.match(dump, /--tcp-established/);
  assert.doesNotMatch(dump, /restore-detached/);
  assert.match(criuHelp('restore'), /^ {2}-d, --\[no-\]restore-detached/m);
});
