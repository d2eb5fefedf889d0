import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { readStat } from '../../src/proc/stat';
import { asPid } from '../../src/sys/types';
import type { TestProgram } from '../harness/program';
import { withPrograms } from '../harness/programs';

test('test programs run detached, with fds 0-2 only, and are killed when the test body throws', async () => {
  let program: TestProgram | undefined;
  await assert.rejects(
    withPrograms(async (start) => {
      program = await start('inject-zombie');
      const stat = readStat(asPid(program.pid));
      assert.equal(stat.session, program.pid, 'leads its own session');
      assert.notEqual(stat.ppid, process.pid, 'not a child of the test runner');
      assert.deepEqual(fs.readdirSync(`/proc/${program.pid}/fd`).sort(), ['0', '1', '2']);
      assert.equal(fs.readlinkSync(`/proc/${program.pid}/fd/0`), '/dev/null');
      throw new Error('test body failed');
    }),
    /test body failed/,
  );
  assert.ok(program !== undefined);
  const state = fs.existsSync(`/proc/${program.pid}/stat`) ? readStat(asPid(program.pid)).state : 'gone';
  assert.ok(['gone', 'Z'].includes(state), `program state after the test: ${state}`);
});
