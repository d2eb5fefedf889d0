import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatJson, formatText, type LogRecord } from '../../src/log/format';
import { LogLevel } from '../../src/log/level';

const vma: LogRecord = {
  level: LogLevel.Debug,
  time: 1.0123456,
  subsystem: 'mm',
  msg: 'dumping vma',
  fields: { pid: 1234, start: 0x7f0000001000n, len: 4096, path: '/usr/lib/libc.so.6', note: 'two words', skipped: undefined },
};

test('text: time, level, pid, subsystem, message, then fields as name=value', () => {
  assert.equal(
    formatText(vma),
    '(01.012346) debug pid 1234 mm: dumping vma start=0x7f0000001000 len=4096 path=/usr/lib/libc.so.6 note="two words"\n',
  );
});

test('text: messages without a task, with a thread, and multi-line messages stay one line', () => {
  assert.equal(formatText({ ...vma, level: LogLevel.Warn, time: 12.5, fields: undefined }), '(12.500000) warn  mm: dumping vma\n');
  assert.equal(formatText({ ...vma, fields: { pid: 7, tid: 9 } }), '(01.012346) debug pid 7 tid 9 mm: dumping vma\n');
  assert.equal(formatText({ ...vma, msg: 'a\nb', fields: undefined }).split('\n').length, 2);
});

test('json: one object per line with level, time, pid, subsystem, msg and the fields', () => {
  const line = formatJson(vma);
  assert.ok(line.endsWith('}\n') && !line.slice(0, -1).includes('\n'));
  assert.deepEqual(JSON.parse(line), {
    level: 'debug',
    time: 1.012346,
    pid: 1234,
    subsystem: 'mm',
    msg: 'dumping vma',
    start: '0x7f0000001000',
    len: 4096,
    path: '/usr/lib/libc.so.6',
    note: 'two words',
  });
  assert.deepEqual(Object.keys(JSON.parse(formatJson(vma))).slice(0, 5), ['level', 'time', 'pid', 'subsystem', 'msg']);
});

test('json: quotes, backslashes, control and non-ASCII characters survive a round trip', () => {
  for (const text of ['say "hi"', 'C:\\dir', 'bell\u0007', 'two\nlines', 'café ☕', 'half \ud800']) {
    const parsed = JSON.parse(formatJson({ ...vma, msg: text, fields: { text } })) as Record<string, unknown>;
    assert.equal(parsed.msg, text);
    assert.equal(parsed.text, text);
  }
});

test('json: pid is null without a task; errors and lists are rendered', () => {
  const error = Object.assign(new Error('no such process'), { code: 'ESRCH', syscall: 'ptrace(PTRACE_SEIZE)' });
  const parsed = JSON.parse(formatJson({ ...vma, level: LogLevel.Error, fields: { tid: 5, error, fds: [0, 1, 2] } })) as Record<string, unknown>;
  assert.equal(parsed.pid, null);
  assert.equal(parsed.tid, 5);
  assert.equal(parsed.level, 'error');
  assert.equal(parsed.error, 'no such process (ptrace(PTRACE_SEIZE): ESRCH)');
  assert.deepEqual(parsed.fds, [0, 1, 2]);
});
